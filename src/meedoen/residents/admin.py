# Dossiers are not in the admin: they are read and changed only through the screens, which check role and relation,
# keep the audit trail and the dossier's version (meedoen.admin_site refuses to register them).
