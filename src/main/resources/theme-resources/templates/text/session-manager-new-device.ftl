<#ftl output_format="plainText">
${msg("sessionManagerNewDeviceIntro", realmName)}

${msg("sessionManagerDevice")}: ${device}
${msg("sessionManagerIpAddress")}: ${ipAddress}
${msg("sessionManagerTime")}: ${signedInAt}
${msg("sessionManagerApplication")}: ${application}

<#if notMeLink??>
${msg("sessionManagerIfYou")}
${sessionsLink}

${msg("sessionManagerIfNotYou")}
${msg("sessionManagerNotMe")}: ${notMeLink}
${msg("sessionManagerNotMeExpiry" + linkExpirationUnit, linkExpiration)}
<#else>
${msg("sessionManagerIfNotYouNoLink")}
</#if>
