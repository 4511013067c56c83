<#ftl output_format="plainText">
<#if firstName?has_content>${msg("sessionManagerGreeting", firstName)}<#else>${msg("sessionManagerGreetingNoName")}</#if>

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
