"""templates messages: the template repository (SPEC §3.3.3): sources, rendering errors, list, forms, CLI."""

EN: dict[str, str] = {
    "template.error.render": "template {template}: Helm could not render {source} (line {line}): {detail}",
    "template.error.render.fix": "fix the template or the values it reads at that line, then try again",
    "template.error.values": "values: not valid YAML at line {line}, column {column}: {detail}",
    "template.error.values.fix": "values must be a YAML mapping, e.g. `replicas: 2`",
    "template.error.manifest": "{source}: document {index} has no {missing}",
    "template.error.manifest.fix": "every manifest needs apiVersion, kind and metadata.name",
}

ZH: dict[str, str] = {
    "template.error.render": "模板 {template}：Helm 无法渲染 {source}（第 {line} 行）：{detail}",
    "template.error.render.fix": "修正该行的模板或其读取的参数值后重试",
    "template.error.values": "参数值：第 {line} 行第 {column} 列不是合法的 YAML：{detail}",
    "template.error.values.fix": "参数值必须是 YAML 映射，例如 `replicas: 2`",
    "template.error.manifest": "{source}：第 {index} 个文档缺少 {missing}",
    "template.error.manifest.fix": "每个清单都需要 apiVersion、kind 和 metadata.name",
}
