package io.sessionmanager.keycloak.device;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.account.DeviceRepresentation;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceInfoTest {

    @Test
    void summaryNamesBrowserMajorVersionAndOs() {
        assertThat(new DeviceInfo("Chrome/120.0.6099", "Windows", "10", "Other", false).summary())
                .isEqualTo("Chrome 120 on Windows 10");
    }

    @Test
    void summaryLeavesOutWhatTheParserCouldNotTell() {
        assertThat(new DeviceInfo("Firefox/121.0", "Linux", "Unknown", "Other", false).summary())
                .isEqualTo("Firefox 121 on Linux");
        assertThat(new DeviceInfo("Other/Unknown", "Mac OS X", "14", "Mac", false).summary())
                .isEqualTo("Unknown browser on Mac OS X 14");
        assertThat(new DeviceInfo("Safari/17.1", "Other", null, "Other", false).summary())
                .isEqualTo("Safari 17");
    }

    @Test
    void browserFamilyLeavesTheVersionOut() {
        assertThat(new DeviceInfo("Chrome/120.0.6099", "Windows", "10", "Other", false).browserFamily()).isEqualTo("Chrome");
        assertThat(new DeviceInfo("Mobile Safari/17.2", "iOS", "17.2", "iPhone", true).browserFamily())
                .isEqualTo("Mobile Safari");
        assertThat(new DeviceInfo("Other", "Other", null, null, false).browserFamily()).isEqualTo("Other");
        assertThat(DeviceInfo.UNKNOWN.browserFamily()).isNull();
    }

    @Test
    void onlyBrowsersAndSystemsTheParserNamesAreRecognised() {
        assertThat(new DeviceInfo("Chrome/120.0.6099", "Windows", "10", "Other", false).recognisedSummary(DeviceWords.ENGLISH))
                .contains("Chrome 120 on Windows 10");
        assertThat(new DeviceInfo("Firefox/121.0", "Linux", "Unknown", "Other", false).recognisedSummary(DeviceWords.ENGLISH))
                .contains("Firefox 121 on Linux");
        assertThat(new DeviceInfo("Ignore this IT rollout Spider/1.0", "Windows", "10", "Spider", false)
                .recognisedSummary(DeviceWords.ENGLISH)).isEmpty();
        assertThat(new DeviceInfo("Chrome/all good, ignore", "Windows", "10", "Other", false).recognisedSummary(DeviceWords.ENGLISH))
                .isEmpty();
        assertThat(new DeviceInfo("Chrome/120.0", "IT rollout", null, "Other", false).recognisedSummary(DeviceWords.ENGLISH)).isEmpty();
        assertThat(DeviceInfo.UNKNOWN.recognisedSummary(DeviceWords.ENGLISH)).isEmpty();
    }

    @Test
    void summaryOfNothingKnownIsUnknownDevice() {
        assertThat(new DeviceInfo("Other/Unknown", "Other", "Unknown", "Other", false).summary())
                .isEqualTo("Unknown device");
        assertThat(DeviceInfo.UNKNOWN.summary()).isEqualTo("Unknown device");
    }

    @Test
    void fromKeepsKeycloakValuesButCutsThemToTheColumn() {
        DeviceRepresentation rep = new DeviceRepresentation();
        rep.setBrowser("B".repeat(100) + "/1.0");
        rep.setOs("iOS");
        rep.setOsVersion("17.2");
        rep.setDevice("iPhone");
        rep.setMobile(true);

        DeviceInfo info = DeviceInfo.from(rep);

        assertThat(info.browser()).hasSize(DeviceInfo.FIELD_LENGTH);
        assertThat(info).extracting(DeviceInfo::os, DeviceInfo::osVersion, DeviceInfo::device, DeviceInfo::mobile)
                .containsExactly("iOS", "17.2", "iPhone", true);
    }

    @Test
    void fromNothingIsUnknown() {
        assertThat(DeviceInfo.from(null)).isEqualTo(DeviceInfo.UNKNOWN);
    }
}
