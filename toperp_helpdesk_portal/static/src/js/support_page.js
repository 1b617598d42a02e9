import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * "Chat with us" on the support page opens the live chat window (im_livechat's own
 * button, mounted in its shadow root).
 */
publicWidget.registry.ToperpSupportPage = publicWidget.Widget.extend({
    selector: ".o_toperp_support_page",
    events: {
        "click .o_toperp_chat_open": "_onChatClick",
    },

    _onChatClick() {
        const root = document.querySelector(".o-livechat-root");
        root?.shadowRoot?.querySelector(".o-livechat-LivechatButton")?.click();
    },
});
