package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SyncConfigFileTest {

    @Test
    void withoutAnAlertsSectionEveryAlertIsOnAtItsDefault() {
        AlertSettings alerts = SyncConfigFile.parse("tables: [notes]", "sync.yaml").alerts();

        assertThat(alerts).isEqualTo(AlertSettings.defaults()).isEqualTo(withAlerts("alerts: {}"));
        assertThat(alerts.threshold(Alert.PENDING_CONFLICTS)).hasValue(100);
        assertThat(alerts.threshold(Alert.FAILED_SYNCS_PER_HOUR)).hasValue(10);
        assertThat(alerts.threshold(Alert.CONFLICT_RATE)).hasValue(0.05);
        assertThat(alerts.threshold(Alert.OLDEST_UNDELIVERED_CHANGE)).hasValue(Duration.ofHours(24).toSeconds());
        assertThat(alerts.every()).isEqualTo(Duration.ofMinutes(1));
        assertThat(alerts.webhook()).isNull();
        assertThat(alerts.webhookTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(alerts.serverName()).isNull();
        assertThat(SyncConfig.of(SyncedTable.owned("notes")).alerts()).isEqualTo(alerts);
    }

    @Test
    void everyKeyOfTheAlertsSectionIsRead() {
        AlertSettings alerts = withAlerts("""
                alerts:
                  pending-conflicts: 50
                  failed-syncs-per-hour: 3
                  conflict-rate: 2.5%
                  oldest-undelivered-change: 6h
                  every: 30s
                  webhook: https://alerts.example.com/mooring?token=abc
                  webhook-timeout: 2s
                  server-name: sync-eu-1
                """);

        assertThat(alerts).isEqualTo(AlertSettings.defaults().withThreshold(Alert.PENDING_CONFLICTS, 50)
                .withThreshold(Alert.FAILED_SYNCS_PER_HOUR, 3).withThreshold(Alert.CONFLICT_RATE, 0.025)
                .withThreshold(Alert.OLDEST_UNDELIVERED_CHANGE, 6 * 3600).withEvery(Duration.ofSeconds(30))
                .withWebhook(URI.create("https://alerts.example.com/mooring?token=abc"))
                .withWebhookTimeout(Duration.ofSeconds(2)).withServerName("sync-eu-1"));
    }

    @Test
    void theConflictRateIsAPercentageOrAFraction() {
        assertThat(withAlerts("alerts: {conflict-rate: 5%}").threshold(Alert.CONFLICT_RATE)).hasValue(0.05);
        assertThat(withAlerts("alerts: {conflict-rate: 0.05}").threshold(Alert.CONFLICT_RATE)).hasValue(0.05);
        assertThat(withAlerts("alerts: {conflict-rate: 100%}").threshold(Alert.CONFLICT_RATE)).hasValue(1.0);
        assertThat(withAlerts("alerts: {conflict-rate: 0}").threshold(Alert.CONFLICT_RATE)).hasValue(0.0);
    }

    @Test
    void offSwitchesOneAlertOffAndLeavesTheOthers() {
        AlertSettings alerts = withAlerts("""
                alerts:
                  pending-conflicts: off
                  conflict-rate: "off"
                  oldest-undelivered-change: false
                """);

        assertThat(alerts.threshold(Alert.PENDING_CONFLICTS)).isEmpty();
        assertThat(alerts.threshold(Alert.CONFLICT_RATE)).isEmpty();
        assertThat(alerts.threshold(Alert.OLDEST_UNDELIVERED_CHANGE)).isEmpty();
        assertThat(alerts.thresholds()).containsOnlyKeys(Alert.FAILED_SYNCS_PER_HOUR);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            pending-conflicts: lots          | alerts: pending-conflicts must be a whole number of 0 or more such as 100, or off; got 'lots'.
            pending-conflicts: -1            | alerts: pending-conflicts must be a whole number of 0 or more such as 100, or off; got '-1'.
            failed-syncs-per-hour: 2.5       | alerts: failed-syncs-per-hour must be a whole number of 0 or more such as 10, or off; got '2.5'.
            pending-conflicts: true          | alerts: pending-conflicts is true; give a threshold, or off to switch the alert off.
            conflict-rate: 5                 | alerts: conflict-rate is a share of the changes between 0 and 1 (0% and 100%), was 5.0; write 5% or 0.05.
            conflict-rate: 150%              | alerts: conflict-rate is a share of the changes between 0 and 1 (0% and 100%), was 1.5; write 5% or 0.05.
            conflict-rate: a few             | alerts: conflict-rate must be a share of the changes such as 5% or 0.05, or off; got 'a few'.
            conflict-rate: -5%               | alerts: conflict-rate must be a threshold of 0 or more, was -0.05; write off to switch the alert off.
            oldest-undelivered-change: 86400 | alerts: oldest-undelivered-change '86400' is not a duration; write e.g. 30s, 5m, 500ms, 90d or PT5M, or off.
            every: 100ms                     | alerts: every must be at least 1s, was 100ms; the alerts read the database each time (1m is the default).
            every: soon                      | alerts: every 'soon' is not a duration; write e.g. 30s, 5m, 500ms, 90d or PT5M.
            webhook-timeout: 0s              | alerts: webhook-timeout must be positive, was 0ms; write e.g. 5s.
            webhook: alerts.example.com      | alerts: the webhook has no scheme; give an http or https URL such as https://alerts.example.com/mooring.
            webhook: [a, b]                  | alerts: webhook must be an http or https URL such as https://alerts.example.com/mooring.
            server-name: ""                  | alerts: server-name must not be blank; leave it out to use the host name.
            pending_conflicts: 5             | alerts: unknown key 'pending_conflicts' (keys are written with hyphens: 'pending-conflicts'); accepted: conflict-rate, every, failed-syncs-per-hour, oldest-undelivered-change, pending-conflicts, server-name, webhook, webhook-timeout.
            """)
    void aBadSettingIsRefusedNamingTheKeyAndTheFix(String setting, String message) {
        assertThatThrownBy(() -> withAlerts("alerts: {" + setting + "}"))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessage("sync.yaml, " + message);
    }

    @Test
    void alertsMustBeAMapping() {
        assertThatThrownBy(() -> withAlerts("alerts: 100")).hasMessage("sync.yaml: 'alerts' must be a mapping of"
                + " settings, such as alerts: {pending-conflicts: 100, webhook: https://…}; got a number.");
    }

    @Test
    void aWebhookUrlIsNeverQuotedInAMessage() {
        for (String section : new String[]{"alerts: {webhook: 'ftp://ops:s3cr3t@files.example.com/x?token=s3cr3t'}",
                "alerts: {webhook: 'https://alerts.example.com/a b?token=s3cr3t'}",
                "alerts: {webhook: 'https:///mooring?token=s3cr3t'}",
                "alerts: 'https://alerts.example.com/mooring?token=s3cr3t'"}) {
            MooringException e = catchThrowableOfType(() -> withAlerts(section), MooringException.class);

            assertThat(e).as(section).isNotNull();
            assertThat(e.getMessage()).as(section).doesNotContain("s3cr3t").contains("alerts");
        }
        AlertSettings settings = withAlerts("alerts: {webhook: 'https://ops:s3cr3t@alerts.example.com/mooring?token=s3cr3t'}");
        assertThat(settings.toString()).doesNotContain("s3cr3t").contains("webhook=https://alerts.example.com/mooring,");
    }

    @Test
    void theExamplesCommentedAlertsSectionHoldsTheDefaults() throws Exception {
        String example = Files.readString(Path.of("..", "examples", "reminders", "sync.yaml"));
        String section = example.substring(example.indexOf("# alerts:")).replaceAll("(?m)^# ", "");

        assertThat(withAlerts(section)).isEqualTo(AlertSettings.defaults().withServerName("sync-eu-1")
                .withWebhook(URI.create("https://alerts.example.com/mooring?token=…")));
    }

    private static AlertSettings withAlerts(String section) {
        return SyncConfigFile.parse("tables: [notes]\n" + section, "sync.yaml").alerts();
    }
}
