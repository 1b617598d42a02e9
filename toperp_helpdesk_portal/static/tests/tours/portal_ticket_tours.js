import { registry } from "@web/core/registry";

/** Put files into a file input, as a customer choosing them would. */
function chooseFiles(selector, files) {
    const input = document.querySelector(selector);
    const transfer = new DataTransfer();
    for (const [name, type, size] of files) {
        transfer.items.add(new File([new Uint8Array(size).fill(137)], name, { type }));
    }
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("toperp_portal_ticket_flow", {
    url: "/my/support",
    steps: () => [
        { content: "Open the new-request form", trigger: "a.o_toperp_new_ticket", run: "click" },
        { trigger: "input[name=name]", run: "edit Printing the sales invoice fails" },
        {
            trigger: "textarea[name=description]",
            run: "edit Open Sales then Invoices, select invoice INV/001 and click Print: a blank page opens",
        },
        { trigger: "input[name=affected_url]", run: "edit https://a.toperp.vn/odoo/action-account.action_move_out_invoice_type" },
        { trigger: "input[name=video_url]", run: "edit https://www.loom.com/share/0123456789abcdef" },
        {
            content: "Attach a screenshot",
            trigger: "input[name=attachments]",
            run() {
                chooseFiles("input[name=attachments]", [["blank-page.png", "image/png", 2048]]);
            },
        },
        {
            content: "The hotline is hidden for a Low severity",
            trigger: ".o_toperp_severity_choice[data-code=low] input",
            run: "click",
        },
        {
            trigger: ".o_toperp_severity_choice[data-code=low] input:checked",
            run() {
                if (!document.querySelector(".o_toperp_hotline").classList.contains("d-none")) {
                    throw new Error("The hotline shows for a Low severity");
                }
            },
        },
        {
            content: "Choosing High shows the hotline",
            trigger: ".o_toperp_severity_choice[data-code=high] input",
            run: "click",
        },
        { trigger: ".o_toperp_hotline:not(.d-none):contains(0865)" },
        { trigger: "select[name=service_type_id]", run: "selectByLabel SaaS" },
        { trigger: "button.o_toperp_submit", run: "click" },
        {
            content: "The ticket page confirms the request",
            trigger: ".o_toperp_created",
        },
        { trigger: ".o_toperp_ticket_name:contains(Printing the sales invoice fails)" },
        { trigger: ".o_toperp_severity[data-code=high]" },
        {
            content: "The screenshot is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-AttachmentList:contains(blank-page.png), #chatterRoot:shadow .o-mail-AttachmentImage",
        },
        {
            content: "Reply in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit It also happens with credit notes.",
        },
        { trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled", run: "click" },
        { trigger: "#chatterRoot:shadow .o-mail-Message:contains(It also happens with credit notes.)" },
        { content: "Back to the list", trigger: ".o_portal_submenu a[href='/my/support']", run: "click" },
        {
            content: "The ticket is listed, with its SLA deadline when the SLA addon is installed",
            trigger: ".o_toperp_ticket_row:contains(Printing the sales invoice fails)",
            run() {
                const row = [...document.querySelectorAll(".o_toperp_ticket_row")].find((el) =>
                    el.textContent.includes("Printing the sales invoice fails")
                );
                const hasSla = !!document.querySelector("th.o_toperp_sla_header");
                const deadline = row.querySelector(".o_toperp_sla_deadline");
                if (hasSla && !(deadline && deadline.textContent.trim())) {
                    throw new Error("The SLA deadline is missing from the list");
                }
            },
        },
        { trigger: ".o_toperp_ticket_row:contains(Printing the sales invoice fails) a.o_toperp_ticket_title", run: "click" },
        { content: "Close the ticket", trigger: "button.o_toperp_close", run: "click" },
        { trigger: ".o_toperp_stage:contains(Solved)" },
        { content: "Rate the answer", trigger: ".o_toperp_rating_form input[name=rate][value='5']", run: "click" },
        { trigger: ".o_toperp_rating_form textarea[name=feedback]", run: "edit Quick and clear, thank you" },
        { trigger: "button.o_toperp_rate_submit", run: "click" },
        { trigger: ".o_toperp_rating_done:contains(Quick and clear, thank you)" },
        { trigger: ".o_toperp_rating_done .o_toperp_rating_text" },
        { content: "Reopen is offered", trigger: "button.o_toperp_reopen" },
    ],
});

registry.category("web_tour.tours").add("toperp_portal_callback", {
    url: "/my/support",
    steps: () => [
        { trigger: "a.o_toperp_callback", run: "click" },
        { trigger: "input[name=phone]", run: "clear" },
        { trigger: "button.o_toperp_callback_submit", run: "click" },
        { content: "A missing phone is reported", trigger: ".o_toperp_field_error[data-field=phone]" },
        { trigger: ".o_toperp_field_error[data-field=topic]" },
        { trigger: "input[name=phone]", run: "edit 0901 234 567" },
        { trigger: "select[name=slot]", run: "select tomorrow_afternoon" },
        { trigger: "textarea[name=topic]", run: "edit Question about the VAT declaration report" },
        { trigger: "button.o_toperp_callback_submit", run: "click" },
        { trigger: ".o_toperp_callback_done" },
        { trigger: ".o_toperp_ticket_name:contains(Question about the VAT declaration report)" },
    ],
});

registry.category("web_tour.tours").add("toperp_portal_validation", {
    url: "/my/support/new",
    steps: () => [
        { content: "Send the empty form", trigger: "button.o_toperp_submit", run: "click" },
        { trigger: ".o_toperp_form_error" },
        { trigger: ".o_toperp_field_error[data-field=name]" },
        { trigger: ".o_toperp_field_error[data-field=description]" },
        { trigger: ".o_toperp_field_error[data-field=affected_url]" },
        { trigger: ".o_toperp_field_error[data-field=attachments]" },
        { trigger: ".o_toperp_field_error[data-field=severity_id]" },
        { trigger: "input[name=name]", run: "edit help" },
        { trigger: "textarea[name=description]", run: "edit Click Print on any invoice and a blank page opens instead" },
        { trigger: "input[name=affected_url]", run: "edit a.toperp.vn/odoo" },
        {
            content: "A too big video is refused before sending",
            trigger: "input[name=attachments]",
            run() {
                chooseFiles("input[name=attachments]", [["demo.mp4", "video/mp4", 21 * 1024 * 1024]]);
            },
        },
        { trigger: ".o_toperp_client_file_error:contains(demo.mp4)" },
        {
            trigger: "input[name=attachments]",
            run() {
                chooseFiles("input[name=attachments]", [["payload.exe", "application/octet-stream", 10]]);
            },
        },
        { trigger: ".o_toperp_client_file_error:contains(payload.exe)" },
        {
            trigger: "input[name=attachments]",
            run() {
                chooseFiles("input[name=attachments]", []);
            },
        },
        { trigger: ".o_toperp_severity_choice[data-code=critical] input", run: "click" },
        { trigger: ".o_toperp_hotline:not(.d-none)" },
        { trigger: "button.o_toperp_submit", run: "click" },
        { content: "The vague title is refused", trigger: ".o_toperp_field_error[data-field=name]:contains(few words)" },
        { trigger: ".o_toperp_field_error[data-field=affected_url]:contains(http)" },
        {
            content: "What was typed is kept, the hotline still shown",
            trigger: "textarea[name=description]:value(Click Print on any invoice and a blank page opens instead)",
        },
        { trigger: "input[name=name]:value(help)" },
        { trigger: ".o_toperp_severity_choice[data-code=critical] input:checked" },
        { trigger: ".o_toperp_hotline:not(.d-none)" },
    ],
});
