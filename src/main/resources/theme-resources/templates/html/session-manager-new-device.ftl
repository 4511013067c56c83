<#import "template.ftl" as layout>
<@layout.emailLayout>
<#-- Mail clients default to a serif font; Keycloak's own pages use a sans-serif one. -->
<div style="font-family: 'Red Hat Text', -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #151515;">
<p><#if firstName?has_content>${msg("sessionManagerGreeting", firstName)}<#else>${msg("sessionManagerGreetingNoName")}</#if></p>
<p>${msg("sessionManagerNewDeviceIntro", realmName)}</p>
<table style="border-collapse: collapse; margin: 1em 0;">
  <tr><td style="padding: 2px 12px 2px 0; color: #6a6e73;">${msg("sessionManagerDevice")}</td><td style="padding: 2px 0;"><strong>${device}</strong></td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #6a6e73;">${msg("sessionManagerIpAddress")}</td><td style="padding: 2px 0;">${ipAddress}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #6a6e73;">${msg("sessionManagerTime")}</td><td style="padding: 2px 0;">${signedInAt}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #6a6e73;">${msg("sessionManagerApplication")}</td><td style="padding: 2px 0;">${application}</td></tr>
</table>
<#if notMeLink??>
<p>${msg("sessionManagerIfYou")} <a href="${sessionsLink}">${msg("sessionManagerSeeSessions")}</a></p>
<p>${msg("sessionManagerIfNotYou")}</p>
<p><a href="${notMeLink}" style="display: inline-block; padding: 8px 16px; background: #c9190b; color: #ffffff; text-decoration: none; border-radius: 3px;">${msg("sessionManagerNotMe")}</a></p>
<p style="color: #6a6e73;">${msg("sessionManagerNotMeExpiry" + linkExpirationUnit, linkExpiration)}</p>
<#else>
<p>${msg("sessionManagerIfNotYouNoLink")}</p>
</#if>
</div>
</@layout.emailLayout>
