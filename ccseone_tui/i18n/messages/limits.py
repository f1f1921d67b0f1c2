"""Input limits and terminal-output safety (#14 items 3, 9, 10, 12): YAML size, depth and
alias expansion, free-text lengths, CLI ranges."""

EN = {
    "value.yaml_at_line": "{what} at line {line}",
    "value.yaml_nesting": "nesting",
    "value.yaml_document": "the document",
    "rule.yaml_bytes": "a YAML input holds at most {limit}",
    "rule.yaml_depth": "YAML nests at most {limit} levels deep",
    "rule.yaml_nodes": "a YAML input expands to at most {limit} values, each alias counted as the copy it stands for (anchors that repeat anchors grow without bound)",
    "rule.yaml_alias_recursive": "an alias cannot point at a node that contains it",
    "fix.yaml_bytes": "keep large data (files, certificates) out of it, e.g. in a ConfigMap or Secret, or split it",
    "fix.yaml_depth": "flatten the structure; values deeper than this are almost always a mistake",
    "fix.yaml_nodes": "write repeated parts out instead of aliasing aliases, or split the input",
    "fix.yaml_alias_recursive": "remove the alias, or anchor a node outside the one that uses it",
}

ZH = {
    "value.yaml_at_line": "第 {line} 行的{what}",
    "value.yaml_nesting": "嵌套",
    "value.yaml_document": "文档",
    "rule.yaml_bytes": "YAML 输入最多 {limit}",
    "rule.yaml_depth": "YAML 最多嵌套 {limit} 层",
    "rule.yaml_nodes": "YAML 展开后最多 {limit} 个值，每个别名按其代表的完整副本计数（锚点重复引用锚点会无限膨胀）",
    "rule.yaml_alias_recursive": "别名不能指向包含它自身的节点",
    "fix.yaml_bytes": "请把大数据（文件、证书）移出，例如放入 ConfigMap 或 Secret，或拆分输入",
    "fix.yaml_depth": "请减少嵌套层级；超过此深度的值几乎总是写错了",
    "fix.yaml_nodes": "请直接写出重复部分，不要用别名引用别名，或拆分输入",
    "fix.yaml_alias_recursive": "请删除该别名，或把锚点放在使用它的节点之外",
}
