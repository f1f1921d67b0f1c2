"""Kubernetes adapter messages."""

EN = {
    "kube.api_error": "Kubernetes API error {status} {reason} on {cluster}: {api_message}",
    "kube.unauthorized": "401 Unauthorized on {cluster}: {api_message}",
    "kube.forbidden": "403 Forbidden on {cluster}: {api_message}",
    "kube.not_found": "404 NotFound on {cluster}: {api_message}",
    "kube.conflict": "409 Conflict on {cluster}: {api_message}",
    "kube.invalid": "422 Invalid on {cluster}: {api_message}",
    "kube.gone": "410 Gone on {cluster}: {api_message}",
    "kube.too_many_requests": "429 TooManyRequests on {cluster}: {api_message}",
    "kube.unreachable": "Cluster {cluster} is unreachable: {cause}",
    "kube.unreachable.fix": "check that the API server is up and reachable from this host",
    "kube.kubeconfig_error": "Cannot load kubeconfig {path} (context {context}): {error}",
    "kube.kubeconfig_error.fix": "check the file and the context name (kubectl config get-contexts)",
    "kube.kind_not_found": "Cluster {cluster} serves no resource type {kind} in {api_version}",
    "kube.kind_not_found.fix": "check apiVersion and kind, or install the CRD (kubectl api-resources)",
    "kube.insecure": "TLS verification is off for {cluster} (insecure-skip-tls-verify)",
}

ZH = {
    "kube.api_error": "Kubernetes API 错误 {status} {reason}（{cluster}）：{api_message}",
    "kube.unauthorized": "401 未认证（{cluster}）：{api_message}",
    "kube.forbidden": "403 无权限（{cluster}）：{api_message}",
    "kube.not_found": "404 不存在（{cluster}）：{api_message}",
    "kube.conflict": "409 冲突（{cluster}）：{api_message}",
    "kube.invalid": "422 无效（{cluster}）：{api_message}",
    "kube.gone": "410 已过期（{cluster}）：{api_message}",
    "kube.too_many_requests": "429 请求过多（{cluster}）：{api_message}",
    "kube.unreachable": "集群 {cluster} 无法连接：{cause}",
    "kube.unreachable.fix": "请检查 API Server 是否运行，以及本机能否访问",
    "kube.kubeconfig_error": "无法加载 kubeconfig {path}（上下文 {context}）：{error}",
    "kube.kubeconfig_error.fix": "请检查文件与上下文名称（kubectl config get-contexts）",
    "kube.kind_not_found": "集群 {cluster} 不提供资源类型 {kind}（{api_version}）",
    "kube.kind_not_found.fix": "请检查 apiVersion 与 kind，或先安装 CRD（kubectl api-resources）",
    "kube.insecure": "{cluster} 未校验 TLS 证书（insecure-skip-tls-verify）",
}
