<#-- "This wasn't me": asks to confirm by POST, with the authentication session's one-time code, as Keycloak's logout confirmation does. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("sessionManagerNotMeTitle")}
    <#elseif section = "form">
        <div id="kc-not-me" class="content-area">
            <p class="instruction">${msg("sessionManagerNotMeConfirm", notMe.device, notMe.ipAddress)}</p>
            <p class="instruction">${msg("sessionManagerNotMeConfirmEverywhere")}</p>
            <#-- Sent once: a second click would spend the one-time code and show "expired" instead of the outcome. -->
            <form id="kc-not-me-form" class="form-actions" action="${notMe.action}" method="POST"
                  onsubmit="if (this.dataset.sent) { return false; } this.dataset.sent = 'true'; return true;">
                <input type="hidden" name="session_code" value="${notMe.code}">
                <div id="kc-form-buttons" class="${properties.kcFormGroupClass!}">
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            name="end" value="reported" id="kc-not-me-end-reported" type="submit">${msg("sessionManagerNotMeEndReported")}</button>
                    <button class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                            name="end" value="all" id="kc-not-me-end-everywhere" type="submit">${msg("sessionManagerNotMeEndEverywhere")}</button>
                </div>
            </form>
        </div>
    </#if>
</@layout.registrationLayout>
