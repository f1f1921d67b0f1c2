"""The Tasks section's task detail (Enter on a task)."""

EN: dict[str, str] = {
    "tasks.ui.title": "Task {kind} · {target}",
    "tasks.ui.started": "Started",
    "tasks.ui.finished": "Finished",
    "tasks.ui.took": "Took",
    "tasks.ui.message": "Message",
    "tasks.ui.retry": "Retry unfinished ({count})",
    "tasks.ui.help.enter": "open the task: per-cluster results, messages, timing, retry",
}

ZH: dict[str, str] = {
    "tasks.ui.title": "任务 {kind} · {target}",
    "tasks.ui.started": "开始",
    "tasks.ui.finished": "结束",
    "tasks.ui.took": "耗时",
    "tasks.ui.message": "信息",
    "tasks.ui.retry": "重试未完成的目标（{count}）",
    "tasks.ui.help.enter": "打开任务：各集群结果、信息、耗时、重试",
}
