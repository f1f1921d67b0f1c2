"""Control instances and access clusters (service-level messages)."""

EN = {
    "noun.instance": "Control instance",
    "noun.cluster": "Cluster",
    "rule.region": "one of the configured regions: {regions}",
    "rule.engine_local_only": "only the 'local' engine is available in this version",
    "instance.delete.has_clusters": "Control instance {name!r} still has {count} cluster(s) attached",
    "instance.delete.has_clusters.fix": "detach them in the same step (--detach-clusters) or delete them first",
    "cluster.context_not_found": "context {context!r} is not in {files}",
}

ZH = {
    "noun.instance": "管控实例",
    "noun.cluster": "集群",
    "rule.region": "必须是已配置的地域之一：{regions}",
    "rule.engine_local_only": "当前版本仅提供 local 引擎",
    "instance.delete.has_clusters": "管控实例 {name!r} 仍关联着 {count} 个集群",
    "instance.delete.has_clusters.fix": "在同一步骤中解除关联（--detach-clusters），或先删除这些集群",
    "cluster.context_not_found": "在 {files} 中找不到上下文 {context!r}",
}
