/*
 * The client's address for the audit log.  Behind nginx every request
 * comes from the proxy, which sets X-Forwarded-For; that header is
 * believed only from POSTROOM_TRUSTED_PROXY (default 127.0.0.1; "none"
 * believes nobody), since anyone else could write anything in it.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static void
peer_addr(struct connection *c, char *out, size_t outlen)
{
	out[0] = '\0';
	if (c == NULL)
		return;
	if (c->family == AF_INET)
		inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, out, outlen);
	else if (c->family == AF_INET6)
		inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, out, outlen);
}

int
pr_is_ip(const char *s)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1);
}

static int
from_proxy(struct http_request *req, char *peer, size_t peerlen)
{
	const char	*proxy;

	peer_addr(req->owner, peer, peerlen);
	if ((proxy = getenv("POSTROOM_TRUSTED_PROXY")) == NULL)
		proxy = "127.0.0.1";
	return (strcmp(proxy, peer) == 0);
}

int
pr_remote_https(struct http_request *req)
{
	const char	*proto;
	char		 peer[INET6_ADDRSTRLEN];

	return (from_proxy(req, peer, sizeof(peer)) &&
	    http_request_header(req, "x-forwarded-proto", &proto) &&
	    strcmp(proto, "https") == 0);
}

void
pr_remote_addr(struct http_request *req, char *out, size_t outlen)
{
	const char	*xff;
	char		 peer[INET6_ADDRSTRLEN], fwd[INET6_ADDRSTRLEN];
	int		 trusted;

	trusted = from_proxy(req, peer, sizeof(peer));
	snprintf(out, outlen, "%s", peer);
	if (!trusted)
		return;
	if (!http_request_header(req, "x-forwarded-for", &xff))
		return;
	/* nginx overwrites the header: one address, the client's. */
	snprintf(fwd, sizeof(fwd), "%.*s", (int)strcspn(xff, ", "), xff);
	if (pr_is_ip(fwd))
		snprintf(out, outlen, "%s", fwd);
}
