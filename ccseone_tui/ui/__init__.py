"""The Textual app shell. Talks only to ``ccseone_tui.services``; never to kube or store."""
