"""The HSM nodes of a cluster: users, logins, keys and the return codes the HSM answers with."""
