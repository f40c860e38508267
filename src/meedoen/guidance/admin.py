# Tasks, plans, conversations, endings and re-orientations belong to a dossier: not in the admin (meedoen.admin_site).
