import { registry } from "@web/core/registry";

const inChat = (selector) => `.o-livechat-root:shadow ${selector}`;
const botSays = (text) => inChat(`.o-mail-Message:contains("${text}")`);
const answer = (text) => [
    { trigger: inChat(".o-mail-Composer-input"), run: `edit ${text}` },
    { trigger: inChat(".o-mail-Composer-input"), run: "press Enter" },
    { trigger: inChat(`.o-mail-Message:contains("${text}")`) },
];

/** An anonymous visitor of /support chats with the bot (nobody online) and gets a ticket. */
registry.category("web_tour.tours").add("toperp_support_chatbot", {
    url: "/support",
    steps: () => [
        { content: "Odoo's live chat button is there", trigger: inChat(".o-livechat-LivechatButton") },
        { content: "Chat with us", trigger: ".o_toperp_chat_open", run: "click" },
        {
            trigger: botSays("No agent is online right now"),
            async run() {
                // The bot types at a human pace; Odoo's own tours speed it up the same way.
                odoo.__WOWL_DEBUG__.root.env.services["im_livechat.chatbot"].chatbot.script.isLivechatTourRunning = true;
            },
        },
        { trigger: botSays("In a few words, what is the problem?") },
        ...answer("Cannot log in to the system"),
        { trigger: botSays("Which steps lead to the error?") },
        ...answer("Open https://erp.example.vn/web/login, type the password and click Log in: error 500"),
        { trigger: botSays("Please send a screenshot or a video") },
        ...answer("https://www.loom.com/share/feedc0ffee"),
        { trigger: botSays("How much does it affect your work?") },
        { trigger: inChat('li:contains("High: a key function is down")'), run: "click" },
        { trigger: botSays("Your e-mail address") },
        ...answer("nam@khach.example.com"),
        { trigger: botSays("And a phone number") },
        ...answer("0912 345 678"),
        {
            // The last step opens the ticket (acknowledgement, SLA clocks): slower on a busy machine.
            content: "The visitor reads the ticket number",
            trigger: botSays("registered as ticket HD"),
            timeout: 30000,
        },
    ],
});

/** The operator, in Discuss, turns the customer's chat into a ticket with /ticket. */
registry.category("web_tour.tours").add("toperp_operator_ticket_command", {
    steps: () => [
        { trigger: ".o-mail-Discuss .o-mail-Message:contains(print the sales invoice)" },
        { trigger: ".o-mail-Discuss .o-mail-Composer-input", run: "edit /ticket Cannot print the sales invoice" },
        { trigger: ".o-mail-Discuss .o-mail-Composer-send:enabled", run: "click" },
        {
            content: "The command is sent (the composer empties once the server answered)",
            trigger: ".o-mail-Discuss .o-mail-Composer-input",
            async run() {
                const input = this.anchor;
                await new Promise((resolve) => {
                    const interval = setInterval(() => {
                        if (!input.value) {
                            clearInterval(interval);
                            resolve();
                        }
                    }, 100);
                });
            },
        },
    ],
});
