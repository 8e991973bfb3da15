/**
 * Notifications as {@link io.github.neo4jbackup.core.event.BackupListener}s: {@link
 * io.github.neo4jbackup.core.notify.WebhookNotifier} POSTs a JSON document (generic, or a
 * Slack-compatible {@code {"text": ...}}) when a backup, restore, verification or prune fails and,
 * optionally, when one succeeds. Notifiers never throw into the pipeline and never print the
 * webhook address, which usually carries a token.
 */
package io.github.neo4jbackup.core.notify;
