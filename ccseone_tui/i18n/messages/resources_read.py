"""resources_read messages: the resource browser's read path (any kind, every cluster)."""

EN: dict[str, str] = {
    "resources.error.unknown_kind": "No cluster serves a resource type named “{kind}”.",
    "resources.error.unknown_kind.fix": "see `ccseone get --help` or type : and Tab for the kinds the clusters serve",
    "resources.error.unknown_kind.fix_close": "did you mean {close}? (`ccseone get --help`, or : and Tab, lists every kind)",
    "resources.error.kind_unverified": "“{kind}” is not a built-in kind, and no cluster answered to say whether it serves it.",
    "resources.error.kind_unverified.fix": "check the clusters (`ccseone clusters list --refresh`), then try again",
    "resources.error.unknown_cluster": "not a member cluster of this instance",
    "resources.error.unknown_cluster.fix": "use one of: {known}",
    "resources.error.timeout": "no answer within {seconds}s",
}

ZH: dict[str, str] = {
    "resources.error.unknown_kind": "没有集群提供名为“{kind}”的资源类型。",
    "resources.error.unknown_kind.fix": "查看 `ccseone get --help`，或输入 : 后按 Tab 列出集群提供的资源类型",
    "resources.error.unknown_kind.fix_close": "是否想输入 {close}？（`ccseone get --help` 或 : 加 Tab 可列出全部类型）",
    "resources.error.kind_unverified": "“{kind}”不是内置资源类型，且没有集群应答，无法确认是否提供该类型。",
    "resources.error.kind_unverified.fix": "请检查集群（`ccseone clusters list --refresh`）后重试",
    "resources.error.unknown_cluster": "不是该实例的成员集群",
    "resources.error.unknown_cluster.fix": "可选：{known}",
    "resources.error.timeout": "{seconds} 秒内无应答",
}
