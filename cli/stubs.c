/*
 * Network code of libgit2 that git-stats never uses, replaced in the
 * executables (CMakeLists.txt, gs_link_program), never in libgitstats.
 * git-stats makes no network calls: no fetch, push or clone of a remote.
 *
 * 1. The CA bundle that libgit2 parses at start-up.
 *
 * Debian's libgit2 1.5.1 is built with mbedTLS, and git_libgit2_init()
 * parses the whole system bundle (/etc/ssl/certs/ca-certificates.crt,
 * ~140 certificates) with mbedtls_x509_crt_parse_file() before doing
 * anything else. That was ~54M instructions, 42% of a `git stats set` on
 * the store benchmark, and most of a hook program's run; libgit2 has no
 * option to skip it.
 *
 * How: linked statically (GS_STATIC_LIBGIT2), the linker's --wrap sends
 * libgit2's call to __wrap_mbedtls_x509_crt_parse_file. Linked against the
 * shared libraries, the executables define and export the function itself
 * (-Wl,--export-dynamic-symbol), so the dynamic linker binds libgit2's
 * call to this definition, which comes first in the lookup scope.
 *
 * Safety (fails closed): the stub loads no certificate and reports success,
 * so libgit2 installs an empty CA chain. Any HTTPS connection libgit2 made
 * would then fail certificate verification (nothing is trusted; libgit2
 * returns GIT_ECERTIFICATE unless a certificate_check callback accepts the
 * certificate, and git-stats installs none). Checked once by hand against
 * a local `openssl s_server` whose self-signed certificate was given to
 * libgit2 with GIT_OPT_SET_SSL_CERT_LOCATIONS (that option calls this
 * function too, and git-stats never sets it): without the stub libgit2
 * reports the certificate valid, with it invalid, and git_clone fails with
 * GIT_ECERTIFICATE. Any other library in these processes calling this
 * function would also get an empty chain; none does (mbedTLS is only
 * libgit2's).
 *
 * With another TLS backend (OpenSSL, or libgit2 built without HTTPS) nobody
 * calls this symbol and the stub is dead code. Removing it costs the
 * bundle parse again (~4-5 ms per command and per hook run here) and breaks
 * nothing. If git-stats ever needs HTTPS through libgit2, remove it.
 *
 * 2. GSSAPI (statically linked only).
 *
 * libgit2's HTTP "Negotiate" authentication (Kerberos/SPNEGO) calls eight
 * GSSAPI functions. Debian ships no static libgssapi_krb5, and linking the
 * shared one would bring back the six Kerberos libraries whose loading the
 * static link saves. Each stub answers GSS_S_FAILURE, so libgit2 finds no
 * GSSAPI mechanism and never offers Negotiate: an HTTP remote asking for
 * it would fail to authenticate, which nothing here ever asks for.
 */
#include <stddef.h>

#ifdef GS_STATIC_LIBGIT2
#define CA_FILE_FN __wrap_mbedtls_x509_crt_parse_file
#else
#define CA_FILE_FN mbedtls_x509_crt_parse_file
#endif

struct mbedtls_x509_crt;

int CA_FILE_FN(struct mbedtls_x509_crt *chain, const char *path);

int CA_FILE_FN(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

#ifdef GS_STATIC_LIBGIT2
/* gssapi.h's types, as far as these signatures need them */
typedef unsigned int OM_uint32;
typedef void *gss_ptr;

#define GSS_S_FAILURE (13u << 16)

/* libgit2 passes this name type to gss_import_name(), which fails first */
void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

/* the parameters are there for the signatures only */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define GSS_STUB(name, ...)                                   \
	OM_uint32 name(OM_uint32 *minor, __VA_ARGS__);        \
	OM_uint32 name(OM_uint32 *minor, __VA_ARGS__)         \
	{                                                     \
		if (minor)                                    \
			*minor = 0;                           \
		return GSS_S_FAILURE;                         \
	}

GSS_STUB(gss_indicate_mechs, gss_ptr *mechs)
GSS_STUB(gss_import_name, gss_ptr buf, gss_ptr type, gss_ptr *name)
GSS_STUB(gss_init_sec_context, gss_ptr cred, gss_ptr *ctx, gss_ptr name, gss_ptr mech,
	 OM_uint32 flags, OM_uint32 time, gss_ptr bindings, gss_ptr in, gss_ptr *mech_out,
	 gss_ptr out, OM_uint32 *ret_flags, OM_uint32 *ret_time)
GSS_STUB(gss_delete_sec_context, gss_ptr *ctx, gss_ptr out)
GSS_STUB(gss_display_status, OM_uint32 status, int type, gss_ptr mech, OM_uint32 *ctx,
	 gss_ptr out)
GSS_STUB(gss_release_buffer, gss_ptr buf)
GSS_STUB(gss_release_name, gss_ptr *name)
GSS_STUB(gss_release_oid_set, gss_ptr *set)
#endif
