"""sandbox messages."""

EN: dict[str, str] = {
    "sandbox.up.kubeconfig": "Sandbox kubeconfig: {path}",
    "sandbox.up.context": "  context {context}  {url}  ({version})",
    "sandbox.up.hint": (
        "Try: kubectl --kubeconfig {path} --context {context} get nodes   "
        "(Ctrl-C stops the sandbox)"
    ),
}

ZH: dict[str, str] = {
    "sandbox.up.kubeconfig": "沙箱 kubeconfig：{path}",
    "sandbox.up.context": "  上下文 {context}  {url}（{version}）",
    "sandbox.up.hint": (
        "试试：kubectl --kubeconfig {path} --context {context} get nodes   "
        "（按 Ctrl-C 停止沙箱）"
    ),
}
