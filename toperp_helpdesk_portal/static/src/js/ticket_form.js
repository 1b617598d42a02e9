import { _t } from "@web/core/l10n/translation";
import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * New-ticket form: show the hotline for the levels that ask for it and check the
 * chosen files before they are sent (the server checks them again).
 */
publicWidget.registry.ToperpTicketForm = publicWidget.Widget.extend({
    selector: ".o_toperp_ticket_form",
    events: {
        "change input[name=severity_id]": "_onSeverityChange",
        "change input[name=attachments]": "_onFilesChange",
    },

    _onSeverityChange(ev) {
        const hotline = this.el.querySelector(".o_toperp_hotline");
        if (hotline) {
            hotline.classList.toggle("d-none", ev.currentTarget.dataset.showHotline !== "1");
        }
    },

    _onFilesChange(ev) {
        const input = ev.currentTarget;
        const maxFiles = parseInt(this.el.dataset.maxFiles, 10);
        const maxSize = parseInt(this.el.dataset.maxSize, 10);
        const accepted = (input.accept || "").split(",").filter(Boolean);
        let message = "";
        const files = [...input.files];
        if (files.length > maxFiles) {
            message = _t("You can attach at most %(count)s files.", { count: maxFiles });
        }
        for (const file of files) {
            const ext = "." + (file.name.split(".").pop() || "").toLowerCase();
            if (!message && accepted.length && !accepted.includes(ext)) {
                message = _t("The file %(name)s is not accepted.", { name: file.name });
            }
            if (!message && file.size > maxSize * 1024 * 1024) {
                message = _t(
                    "The file %(name)s is larger than %(size)s MB. Please share big videos as a link (Loom…).",
                    { name: file.name, size: maxSize }
                );
            }
        }
        const feedback = this.el.querySelector(".o_toperp_client_file_error");
        feedback.textContent = message;
        feedback.classList.toggle("d-none", !message);
        feedback.classList.toggle("d-block", !!message);
        input.classList.toggle("is-invalid", !!message);
        input.setCustomValidity(message);
    },
});
