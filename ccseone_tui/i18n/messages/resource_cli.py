"""resource_cli messages: ``ccseone get|describe|events|delete|scale|restart``
(cli/resource_cmds.py). kubectl's own words (column headers, ``deployment.apps``) stay
untranslated."""

EN: dict[str, str] = {
    "rcli.skipped": "{cluster}: not registered yet, skipped",
    "rcli.missing": "{cluster}: the server doesn't have a resource type \"{kind}\" "
                    "(not an error for the other clusters)",
    "rcli.none": "No resources found.",
    "rcli.none_in": "No resources found in {namespace} namespace.",
    "rcli.not_found": "{kind} \"{name}\" not found on any cluster asked",
    "rcli.no_events": "No events found.",
    "rcli.events_need_name": "events {kind}: give the object's name too (events KIND NAME), "
                             "or no KIND for the fleet's events",
    "rcli.watch_events_alone": "--output-watch-events needs --watch",
    "rcli.watch.healed": "{cluster}: answering again",
    "rcli.cluster_required": "name the clusters to write to with --cluster",
    "rcli.delete.not_a_tty": "delete asks before deleting, and stdin is not a terminal: "
                             "add --yes to delete without asking",
    "rcli.delete.listing": "To delete ({count}):",
    "rcli.delete.ask": "Delete them? [y/N]",
    "rcli.delete.kept": "Nothing deleted.",
    "rcli.name_required": "{kind}: name the objects (KIND NAME... or TYPE/NAME...)",
    "rcli.type_name_mixed": "give either KIND NAME... or only TYPE/NAME forms "
                            "(deploy/web pod/web-1), not both",
}

ZH: dict[str, str] = {
    "rcli.skipped": "{cluster}：尚未注册，已跳过",
    "rcli.missing": "{cluster}：该集群没有资源类型 \"{kind}\"（不影响其他集群）",
    "rcli.none": "未找到资源。",
    "rcli.none_in": "命名空间 {namespace} 中未找到资源。",
    "rcli.not_found": "在所查询的集群中均未找到 {kind} \"{name}\"",
    "rcli.no_events": "未找到事件。",
    "rcli.events_need_name": "events {kind}：请同时给出对象名称（events KIND NAME），"
                             "或不指定 KIND 查看整个集群组的事件",
    "rcli.watch_events_alone": "--output-watch-events 需要与 --watch 一起使用",
    "rcli.watch.healed": "{cluster}：已恢复响应",
    "rcli.cluster_required": "请用 --cluster 指定要写入的集群",
    "rcli.delete.not_a_tty": "删除前需要确认，但标准输入不是终端：加上 --yes 可不经询问直接删除",
    "rcli.delete.listing": "待删除（{count} 个）：",
    "rcli.delete.ask": "确认删除？[y/N]",
    "rcli.delete.kept": "未删除任何对象。",
    "rcli.name_required": "{kind}：请给出对象名称（KIND NAME... 或 TYPE/NAME...）",
    "rcli.type_name_mixed": "请只用 KIND NAME... 或只用 TYPE/NAME 形式（deploy/web pod/web-1），"
                            "不要混用",
}
