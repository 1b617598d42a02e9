import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

registry.category("discuss.channel_commands").add("ticket", {
    channel_types: ["livechat"],
    help: _t("Turn this conversation into a support ticket (/ticket title)"),
    methodName: "execute_command_ticket",
});
