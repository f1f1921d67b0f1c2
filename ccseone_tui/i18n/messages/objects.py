"""objects messages: the object actions of the resource browser (describe, YAML, delete,
scale, restart, edit). Describe headings stay kubectl's English, as kubectl prints them."""

EN: dict[str, str] = {
    "objects.managed_fields_folded": "managedFields: {count} entries folded",
    "objects.managed_fields_folded_one": "managedFields: 1 entry folded",
    "objects.secret_masked": "*** ({size} bytes, masked)",
    "objects.deleted": "{kind} \"{name}\" deleted",
    "objects.deleting": "{kind} \"{name}\" is being deleted (finalizers: {finalizers})",
    "objects.scaled": "{kind} \"{name}\" scaled to {replicas}",
    "objects.restarted": "{kind} \"{name}\" restarted",
    "objects.restart_paused": "{kind} \"{name}\" can't restart paused deployment (run "
                              "rollout resume first)",
    "objects.edited": "{kind} \"{name}\" edited",
    "objects.drill.children": "{children} of {owner}",
    "objects.drill.on_node": "Pods on {owner}",
    "objects.drill.in_namespace": "Pods in {owner}",
    "objects.rule.not_pod": "{kind} has no containers; only a Pod has",
    "objects.fix.not_pod": "open the containers of one of its pods",
    "objects.edit_unchanged": "{kind} \"{name}\": no changes, nothing applied",
    "objects.edit_error_header": "The edit was not applied:",
    "objects.edit_error_footer": "Fix the text below and save again; empty it to cancel.",
    "objects.edit_conflict": "{object} changed on the cluster since you opened it"
                             " ({api_message})",
    "objects.edit_conflict.fix": "reopen to edit the current version; nothing was applied",
    "objects.rule.replicas": "must be a whole number of 0 or more",
    "objects.fix.replicas": "give the replicas as a number such as 3 (0 stops every pod)",
    "objects.rule.not_scalable": "{kind} has no replicas to scale",
    "objects.fix.not_scalable": "scale a Deployment, ReplicaSet, StatefulSet or "
                                "ReplicationController (or a custom kind with a scale "
                                "subresource)",
    "objects.rule.not_restartable": "{kind} cannot be restarted by a rollout",
    "objects.fix.not_restartable": "restart a Deployment, StatefulSet or DaemonSet; delete a "
                                   "Pod to have its controller recreate it",
    "objects.rule.immutable": "names the object and cannot change by an edit (was {old!r})",
    "objects.fix.immutable": "set it back to {old!r}; to move or rename, create a new object "
                             "and delete this one",
    "objects.fix.edit_parse": "fix the YAML at that line and save again (the editor reopens "
                              "with this message on top; nothing was applied)",
    "objects.rule.not_mapping": "the document must be one YAML mapping (an object), "
                                "found {found}",
    "objects.rule.several_documents": "the text holds {count} YAML documents; edit one object",
}

ZH: dict[str, str] = {
    "objects.managed_fields_folded": "managedFields：已折叠 {count} 条",
    "objects.managed_fields_folded_one": "managedFields：已折叠 1 条",
    "objects.secret_masked": "***（{size} 字节，已遮盖）",
    "objects.deleted": "{kind} \"{name}\" 已删除",
    "objects.deleting": "{kind} \"{name}\" 正在删除（finalizers：{finalizers}）",
    "objects.scaled": "{kind} \"{name}\" 已扩缩到 {replicas}",
    "objects.restarted": "{kind} \"{name}\" 已重启",
    "objects.restart_paused": "{kind} \"{name}\" 已暂停，不能重启（请先恢复滚动更新："
                              "rollout resume）",
    "objects.edited": "{kind} \"{name}\" 已修改",
    "objects.drill.children": "{owner} 的 {children}",
    "objects.drill.on_node": "{owner} 上的 Pods",
    "objects.drill.in_namespace": "{owner} 中的 Pods",
    "objects.rule.not_pod": "{kind} 没有容器；只有 Pod 才有",
    "objects.fix.not_pod": "请打开它的某个 Pod 的容器",
    "objects.edit_unchanged": "{kind} \"{name}\"：没有改动，未应用任何内容",
    "objects.edit_error_header": "修改未应用：",
    "objects.edit_error_footer": "请修正下面的文本后再次保存；清空内容即取消。",
    "objects.edit_conflict": "{object} 在你打开之后已在集群上被修改（{api_message}）",
    "objects.edit_conflict.fix": "重新打开以编辑当前版本；未应用任何内容",
    "objects.rule.replicas": "必须是大于或等于 0 的整数",
    "objects.fix.replicas": "副本数请填写数字，例如 3（0 会停止所有 Pod）",
    "objects.rule.not_scalable": "{kind} 没有可扩缩的副本数",
    "objects.fix.not_scalable": "请扩缩 Deployment、ReplicaSet、StatefulSet 或 "
                                "ReplicationController（或带 scale 子资源的自定义类型）",
    "objects.rule.not_restartable": "{kind} 不能通过滚动重启",
    "objects.fix.not_restartable": "请重启 Deployment、StatefulSet 或 DaemonSet；删除 Pod "
                                   "可让其控制器重新创建",
    "objects.rule.immutable": "用于标识对象，不能通过修改来变更（原值 {old!r}）",
    "objects.fix.immutable": "请改回 {old!r}；如需移动或改名，请新建对象再删除此对象",
    "objects.fix.edit_parse": "请修正该行的 YAML 后再次保存（编辑器会重新打开并在顶部显示"
                              "此信息；未应用任何内容）",
    "objects.rule.not_mapping": "文档必须是一个 YAML 映射（对象），实际为 {found}",
    "objects.rule.several_documents": "文本包含 {count} 个 YAML 文档；请只编辑一个对象",
}
