package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.notify.WebhookNotifier;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The notification options of {@code verify}, {@code restore} and {@code prune} (a picocli mixin),
 * and the base of {@link NotifyOptions} for {@code backup} and {@code run}: {@code --notify-url},
 * {@code --notify-on}, {@code --notify-format}, each with an environment variable; the flag wins over
 * the variable.
 */
class WebhookOptions {

    @Option(names = "--notify-url", paramLabel = "URL",
            description = "POST a notification to this webhook (repeatable; env NOTIFY_URL, several separated by"
                    + " spaces). The address is a secret: prefer the variable, it never shows in the process list.")
    List<String> urls = List.of();

    @Option(names = "--notify-on", paramLabel = "failure|always",
            description = "Notify on failures only (default) or on every outcome (env NOTIFY_ON).")
    String on;

    @Option(names = "--notify-format", paramLabel = "json|slack|discord|teams",
            description = "Notification body: the documented JSON object (default), or a Slack, Discord or Teams"
                    + " message (env NOTIFY_FORMAT).")
    String format;

    /**
     * The webhooks of these options.
     *
     * @param ctx         the environment
     * @param synchronous whether a notification is delivered before the listener call returns (a
     *                    short-lived process must not exit before it is sent)
     * @param clock       the clock
     * @return the notifier (with no webhook when none is configured)
     */
    Notifier open(CliContext ctx, boolean synchronous, Clock clock) {
        List<String> targets = new ArrayList<>(urls);
        if (targets.isEmpty() && ctx.env("NOTIFY_URL") != null) {
            targets.addAll(List.of(ctx.env("NOTIFY_URL").strip().split("\\s+")));
        }
        String when = (on != null ? on : ctx.env("NOTIFY_ON") == null ? "failure" : ctx.env("NOTIFY_ON"))
                .strip().toLowerCase(Locale.ROOT);
        if (!when.equals("failure") && !when.equals("always")) {
            throw CliException.usage("--notify-on '" + when + "': use failure or always");
        }
        String shape = (format != null ? format : ctx.env("NOTIFY_FORMAT") == null ? "json" : ctx.env("NOTIFY_FORMAT"))
                .strip().toLowerCase(Locale.ROOT);
        WebhookNotifier.Format f;
        switch (shape) {
            case "json":
                f = WebhookNotifier.Format.GENERIC;
                break;
            case "slack":
                f = WebhookNotifier.Format.SLACK;
                break;
            case "discord":
                f = WebhookNotifier.Format.DISCORD;
                break;
            case "teams":
                f = WebhookNotifier.Format.TEAMS;
                break;
            default:
                throw CliException.usage("--notify-format '" + shape + "': use json, slack, discord or teams");
        }
        List<WebhookNotifier> webhooks = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            try {
                webhooks.add(WebhookNotifier.builder(Secret.of(targets.get(i))).format(f)
                        .notifyOnSuccess(when.equals("always")).synchronous(synchronous).clock(clock).build());
            } catch (InvalidInputException e) {
                // the message never repeats the address
                throw CliException.usage("--notify-url #" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Notifier(webhooks, clock);
    }
}
