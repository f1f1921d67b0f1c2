"""polish messages (#12): the key groups F1 adds for the Fleet view, the log viewer, Tasks
and every dialog; the typed confirmation's live feedback; the names typed inside the upgrade dialog."""

EN: dict[str, str] = {
    "help.key.sort": "Sort by the next column; S reverses",
    "help.fleet.cluster": "Only the next (C: previous) cluster's rows, then every cluster",
    "help.logs.ends": "Top; back to the end and follow",
    "help.logs.matches": "Next / previous match",
    "help.logs.window": "Time range (T) and lines kept (L)",
    "help.logs.save": "Save the view (s) or every line (S) to a file",
    "help.dialogs": "Every dialog",
    "help.dialog.yes": "Confirm: y (once the action is possible); Enter presses the highlighted button — No on a dangerous question",
    "help.dialog.no": "Cancel",
    "help.dialog.submit": "Submit a form (Enter in any field or switch)",
    "help.dialog.tab": "Next field or button",
    "typed.match.none": "Type {expected} — nothing typed yet",
    "typed.match.partial": "Type {expected} — {count} of {total} characters match so far",
    "typed.match.wrong": "Does not match {expected}: character {position} differs",
    "typed.match.long": "Does not match {expected}: {extra} characters too many",
    "typed.match.ok": "Matches — Enter confirms",
    "apps.ui.error.typed": "Production clusters: type {names} in the field above the buttons to confirm",
}

ZH: dict[str, str] = {
    "help.key.sort": "按下一列排序；S 反向",
    "help.fleet.cluster": "只看下一个（C：上一个）集群的行，之后回到全部集群",
    "help.logs.ends": "开头；回到末尾并跟随",
    "help.logs.matches": "下一处 / 上一处匹配",
    "help.logs.window": "时间范围（T）与保留行数（L）",
    "help.logs.save": "将视图（s）或全部行（S）保存到文件",
    "help.dialogs": "所有对话框",
    "help.dialog.yes": "确认：y（操作可执行时）；Enter 按下高亮的按钮——危险操作时为“否”",
    "help.dialog.no": "取消",
    "help.dialog.submit": "提交表单（在任意输入框或开关上按 Enter）",
    "help.dialog.tab": "下一个字段或按钮",
    "typed.match.none": "请输入 {expected} — 尚未输入",
    "typed.match.partial": "请输入 {expected} — 已有 {count}/{total} 个字符匹配",
    "typed.match.wrong": "与 {expected} 不一致：第 {position} 个字符不同",
    "typed.match.long": "与 {expected} 不一致：多了 {extra} 个字符",
    "typed.match.ok": "已匹配 — 按 Enter 确认",
    "apps.ui.error.typed": "生产集群：请在按钮上方的输入框中输入 {names} 以确认",
}
