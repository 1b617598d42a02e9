import { registry } from "@web/core/registry";

/** Fail when the page is wider than the viewport (the customer would scroll sideways). */
function assertNoHorizontalOverflow(what) {
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth) {
        const shadow = document.querySelector("#chatterRoot")?.shadowRoot;
        const all = [...document.querySelectorAll("body *"), ...(shadow ? shadow.querySelectorAll("*") : [])];
        const wide = all
            .filter(
                (el) =>
                    el.getBoundingClientRect().right > page.clientWidth + 1 ||
                    (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible")
            )
            .slice(-4)
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
        throw new Error(
            `${what}: the page is ${page.scrollWidth}px wide in a ${page.clientWidth}px viewport (${wide.join(", ")})`
        );
    }
}

/** True when the element takes room on the page (not hidden by a d-none / d-md-none). */
function isShown(el) {
    return !!el && el.getClientRects().length > 0;
}

registry.category("web_tour.tours").add("toperp_portal_chatter_vi", {
    steps: () => [
        {
            content: "Odoo's Vietnamese for the empty conversation",
            trigger: "#chatterRoot:shadow .o-mail-Thread:contains(Cuộc trò chuyện trống.)",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Cảm ơn, tôi gửi thêm ảnh chụp màn hình.",
        },
        {
            content: "The composer's hint in Vietnamese",
            trigger: "#chatterRoot:shadow .o-mail-Composer:contains(hoặc nhấn)",
        },
        { trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled", run: "click" },
        {
            content: "Today's message dated in Vietnamese",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(tôi gửi thêm ảnh) .o-mail-Message-date:contains(Hôm nay lúc)",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
            run() {
                const chatter = document.querySelector("#chatterRoot").shadowRoot;
                for (const english of ["The conversation is empty", "Today at", "or press"]) {
                    if (chatter.textContent.includes(english)) {
                        throw new Error(`English left in the conversation: "${english}"`);
                    }
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("toperp_portal_phone_list", {
    url: "/my/support",
    steps: () => [
        {
            content: "On a phone the tickets are cards, the table is hidden",
            trigger: ".o_toperp_ticket_card:contains(Máy in hóa đơn báo lỗi khi in phiếu xuất kho)",
            run() {
                if (isShown(document.querySelector(".o_toperp_ticket_table"))) {
                    throw new Error("The ticket table shows on a phone");
                }
                const cards = [...document.querySelectorAll(".o_toperp_ticket_card")];
                if (cards.length !== 2 || !cards.every(isShown)) {
                    throw new Error(`Expected 2 ticket cards, got ${cards.filter(isShown).length}`);
                }
                for (const card of cards) {
                    if (card.scrollWidth > card.clientWidth) {
                        throw new Error(`Card ${card.textContent.trim().slice(0, 20)} is cut off`);
                    }
                }
                assertNoHorizontalOverflow("Ticket list");
            },
        },
        {
            content: "A card opens its ticket",
            trigger: ".o_toperp_ticket_card:contains(phiếu xuất kho)",
            run: "click",
        },
        {
            trigger: ".o_toperp_ticket_name:contains(phiếu xuất kho)",
            run() {
                assertNoHorizontalOverflow("Ticket page");
            },
        },
    ],
});
