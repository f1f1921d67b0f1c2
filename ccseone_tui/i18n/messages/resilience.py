"""resilience messages (issue #14 items 4 and 8): interrupted tasks after a killed process,
and the one-line errors that replace tracebacks."""

EN: dict[str, str] = {
    "status.task.Interrupted": "Interrupted",
    "tasks.interrupted.result": (
        "interrupted: the ccseone process ({owner}) ended before this finished; run it "
        "again with `ccseone tasks retry {task}`"),
    "tasks.interrupted.journal": (
        "interrupted: the ccseone process ({owner}) ended before the task finished; "
        "`ccseone tasks retry {task}` runs its unfinished targets"),
    "tasks.interrupted.unknown_owner": "an unknown process",
    "tasks.interrupted.no_task": (
        "interrupted: the ccseone process ended before the rollout of {target} started; "
        "upgrade or roll back the app to finish it"),
    "tasks.interrupted.notice": (
        "task {task} ({kind} {target}) was interrupted: its process ended before it "
        "finished; `ccseone tasks retry {task}` runs its unfinished targets"),
    "tasks.retry.unsupported": (
        "a {kind} task cannot be retried as a whole; run the operation again"),
    "error.db_busy": (
        "the ccseone cache {path} stayed locked by another process for more than {seconds} s"),
    "error.db_busy.fix": (
        "wait for the other ccseone (or sqlite3) process to finish and run the command again, "
        "or raise db_busy_timeout in the settings file"),
    "error.bad_encoding": "{what} {path} is not UTF-8 text ({detail})",
    "error.bad_encoding.fix": "save it as UTF-8, or point ccseone at the right file",
    "error.bad_argument": "the command-line argument {value} is not valid text ({detail})",
    "error.bad_argument.fix": (
        "type it again in a UTF-8 terminal (check LANG/LC_ALL), or rename what it names"),
    "error.too_deep": "{what} is nested too deeply for ccseone to read",
    "error.too_deep.fix": "flatten it: at most a few dozen levels are ever needed",
    "error.revision_range": "revision {value} is out of range (at most {limit})",
    "error.revision_range.fix": "see the app's revisions with `ccseone apps history NAME`",
    "error.bad_regex": "--grep {value} is not a valid regular expression ({detail})",
    "error.bad_regex.fix": (
        "escape the special characters ( ) [ ] . * + ? with a backslash, e.g. --grep '\\(\\(\\('"),
    "error.internal": "internal error: {kind}: {detail} (details in {log})",
    "error.internal.nolog": "internal error: {kind}: {detail} (set CCSEONE_DEBUG=1 for details)",
}

ZH: dict[str, str] = {
    "status.task.Interrupted": "已中断",
    "tasks.interrupted.result": (
        "已中断：ccseone 进程（{owner}）在完成前退出；用 `ccseone tasks retry {task}` 重新执行"),
    "tasks.interrupted.journal": (
        "已中断：ccseone 进程（{owner}）在任务完成前退出；`ccseone tasks retry {task}` "
        "会执行未完成的目标"),
    "tasks.interrupted.unknown_owner": "未知进程",
    "tasks.interrupted.no_task": (
        "已中断：ccseone 进程在 {target} 的发布开始前退出；升级或回滚该应用以完成它"),
    "tasks.interrupted.notice": (
        "任务 {task}（{kind} {target}）已中断：其进程在完成前退出；"
        "`ccseone tasks retry {task}` 会执行未完成的目标"),
    "tasks.retry.unsupported": "{kind} 类任务不能整体重试；请重新执行该操作",
    "error.db_busy": "ccseone 缓存 {path} 被其他进程锁定超过 {seconds} 秒",
    "error.db_busy.fix": (
        "等待另一个 ccseone（或 sqlite3）进程结束后重新执行命令，或在设置文件中调大 db_busy_timeout"),
    "error.bad_encoding": "{what} {path} 不是 UTF-8 文本（{detail}）",
    "error.bad_encoding.fix": "请以 UTF-8 保存，或让 ccseone 指向正确的文件",
    "error.bad_argument": "命令行参数 {value} 不是有效文本（{detail}）",
    "error.bad_argument.fix": "请在 UTF-8 终端中重新输入（检查 LANG/LC_ALL），或重命名它所指的对象",
    "error.too_deep": "{what} 嵌套层级过深，ccseone 无法读取",
    "error.too_deep.fix": "请将其展平：实际需要的层级不会超过几十层",
    "error.revision_range": "版本号 {value} 超出范围（最大 {limit}）",
    "error.revision_range.fix": "用 `ccseone apps history NAME` 查看应用的版本",
    "error.bad_regex": "--grep {value} 不是有效的正则表达式（{detail}）",
    "error.bad_regex.fix": "用反斜杠转义特殊字符 ( ) [ ] . * + ?，例如 --grep '\\(\\(\\('",
    "error.internal": "内部错误：{kind}：{detail}（详情见 {log}）",
    "error.internal.nolog": "内部错误：{kind}：{detail}（设置 CCSEONE_DEBUG=1 查看详情）",
}
