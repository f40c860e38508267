# Campaigns, slots, invitations, appointments and messages are run on the campaign screens and name residents: not in
# the admin (meedoen.admin_site). Venues are configured in the organisation admin.
