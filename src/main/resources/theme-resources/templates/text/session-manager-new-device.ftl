<#ftl output_format="plainText">
${msg("sessionManagerNewDeviceIntro", realmName)}

${msg("sessionManagerDevice")}: ${device}
${msg("sessionManagerIpAddress")}: ${ipAddress}
${msg("sessionManagerTime")}: ${signedInAt}
${msg("sessionManagerApplication")}: ${application}

${msg("sessionManagerIfYou")}
${sessionsLink}

${msg("sessionManagerIfNotYou")}
${msg("sessionManagerNotMe")}: ${notMeLink}
${msg("sessionManagerNotMeExpiry" + linkExpirationUnit, linkExpiration)}
