import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("toperp_portal_smoke", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The list shows the customer's ticket",
            trigger: ".o_toperp_ticket_row .o_toperp_ticket_title:contains('Smoke ticket')",
        },
    ],
});
