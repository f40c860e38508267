# Measures, exemptions, income signals and objections belong to a dossier: not in the admin (meedoen.admin_site).
