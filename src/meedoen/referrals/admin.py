# Referrals, cohorts, reports, checks and suggestions belong to residents: not in the admin (meedoen.admin_site).
# Partners and their contracts are configured in the offer admin.
