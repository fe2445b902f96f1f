using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// TLS for Akka.Remote between a lab's machines (<c>lottery.cluster.tls.*</c>), mutual in both of its modes:
/// <list type="bullet">
/// <item>a lab CA (<c>tls.ca</c> set): each node holds its own certificate signed by the lab's CA, and accepts peers
/// whose chain ends at that CA (the CA pinned by thumbprint, the machine's own roots never consulted) unless their
/// thumbprint is listed in <c>tls.revoked</c>, so one machine's key can be withdrawn without re-keying the lab;</item>
/// <item>one shared certificate (<c>tls.ca</c> empty): every node holds the lab's one certificate and accepts only
/// peers that present that same certificate.</item>
/// </list>
/// A machine without a certificate the lab accepts can neither join nor be joined, and a node without TLS fails the
/// handshake. The key file's password comes only from <see cref="PasswordVariable"/>, and the certificate reaches
/// the transport through <see cref="DotNettySslSetup"/> rather than Akka's HOCON keys
/// (<c>ssl.certificate.password</c>), so the password is never in a config file, a config dump or a log line.
/// </summary>
public static class ClusterTls
{
    public const string PasswordVariable = "LOTTERY_TLS_PASSWORD";

    private const string Key = "lottery.cluster.tls.certificate";
    private const string CaKey = "lottery.cluster.tls.ca";

    /// <summary>
    /// The transport's TLS set-up: this node's certificate, the peer check of the mode the settings choose, and mutual
    /// authentication. Hostnames are not checked: nodes reach each other by IP address.
    /// </summary>
    /// <exception cref="SpecException">A file is missing or unreadable, the node's has no private key, or the
    /// password is wrong; one line naming the key (and the variable), never the password.</exception>
    public static DotNettySslSetup Setup(ClusterSettings cluster, Func<string, string?>? read = null)
    {
        var certificate = Load(cluster.TlsCertificate, (read ?? Environment.GetEnvironmentVariable)(PasswordVariable));
        var check = cluster.TlsCa.Length > 0
            ? SignedBy(LoadCa(cluster.TlsCa), cluster.TlsRevoked)
            : CertificateValidation.PinnedCertificate(certificate.Thumbprint);
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            customValidator: check);
    }

    /// <summary>
    /// Accepts a peer whose certificate chains to <paramref name="ca"/> alone and is not revoked. The chain is built
    /// again here with the CA as its only root: the handshake's own chain trusts the machine's store, which would let
    /// in any certificate a public CA signed. Revocation is by list, not by CRL: a lab has no CRL server.
    /// </summary>
    public static CertificateValidationCallback SignedBy(X509Certificate2 ca, IReadOnlyCollection<string> revoked)
    {
        var withdrawn = revoked.Select(Thumbprint).ToHashSet();
        return (certificate, _, peer, _, log) =>
        {
            if (certificate is null)
                return false;
            if (withdrawn.Contains(certificate.Thumbprint))
            {
                log.Warning("refused {0}: its certificate {1} is revoked (lottery.cluster.tls.revoked)", peer,
                    certificate.Thumbprint);
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var trusted = chain.Build(certificate)
                          && chain.ChainElements[^1].Certificate.Thumbprint == ca.Thumbprint;
            if (!trusted)
                log.Warning("refused {0}: its certificate {1} ({2}) is not signed by the lab's CA", peer,
                    certificate.Thumbprint, certificate.Subject);
            return trusted;
        };
    }

    /// <summary>A thumbprint as openssl prints it (<c>AB:CD:...</c>) or as .NET does (<c>ABCD...</c>).</summary>
    public static string Thumbprint(string text) => text.Replace(":", "").Trim().ToUpperInvariant();

    private static X509Certificate2 LoadCa(string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SpecException(CaKey, $"cannot read '{path}' as a certificate (PEM or DER): " +
                e.Message.TrimEnd('.'));
        }
    }

    private static X509Certificate2 Load(string path, string? password)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(Key, $"cannot read '{path}': {e.Message}");
        }
        catch (CryptographicException e)
        {
            throw new SpecException(Key, $"'{path}' does not open as a PKCS#12 certificate " +
                $"({e.Message.TrimEnd('.')}); is {PasswordVariable} set to its password?");
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new SpecException(Key, $"'{path}' holds no private key; export the certificate with its key " +
                "(openssl pkcs12 -export)");
        }
        return certificate;
    }
}
