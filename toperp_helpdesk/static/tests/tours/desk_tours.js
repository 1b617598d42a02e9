import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("toperp_desk_merge", {
    steps: () => [
        {
            content: "Select the e-mailed report",
            trigger: ".o_data_row:contains('Tour: invoices do not print') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the hotline call about the same problem",
            trigger: ".o_data_row:contains('Tour: hotline call, printing') .o_list_record_selector input",
            run: "click",
        },
        { content: "Merge them", trigger: ".o_control_panel button[name=action_merge]", run: "click" },
        { content: "The oldest is kept", trigger: ".modal div[name=survivor_id]:contains('Tour: invoices do not print')" },
        { trigger: ".modal-footer button[name=action_merge]", run: "click" },
        { content: "The kept ticket opens", trigger: ".o_breadcrumb .active:contains('Tour: invoices do not print')" },
        { content: "with its merged ticket", trigger: ".o_notebook a:contains('Merged Tickets')", run: "click" },
        { trigger: ".o_field_widget[name=merged_ticket_ids] .o_data_row:contains('Tour: hotline call, printing')" },
    ],
});

registry.category("web_tour.tours").add("toperp_desk_incident_update", {
    steps: () => [
        { content: "Update the customers", trigger: ".o_form_view button[name=action_post_update]", run: "click" },
        {
            trigger: ".modal div[name=message] textarea",
            run: "edit Printing is being fixed, back before 15:00.",
        },
        { trigger: ".modal-footer button[name=action_confirm]", run: "click" },
        { content: "The incident keeps the update", trigger: ".o-mail-Message:contains('back before 15:00')" },
        { content: "Solve it", trigger: ".o_form_view button[name=action_solve]", run: "click" },
        { trigger: ".modal div[name=solve] input:checked" },
        { trigger: ".modal div[name=message] textarea", run: "edit Fixed." },
        { trigger: ".modal-footer button[name=action_confirm]", run: "click" },
        { content: "Solved", trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Solved')" },
    ],
});
