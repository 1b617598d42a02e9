import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

registry.category("discuss.channel_commands").add("ticket", {
    channel_types: ["livechat"],
    help: _t("Turn this conversation into a support ticket (/ticket title)"),
    methodName: "execute_command_ticket",
});

registry.category("discuss.channel_commands").add("customer", {
    channel_types: ["livechat"],
    help: _t("Who the visitor is: company, plan, service types, open tickets (/customer)"),
    methodName: "execute_command_customer",
});
