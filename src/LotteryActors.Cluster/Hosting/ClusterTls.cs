using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// TLS for Akka.Remote between a lab's machines (<c>lottery.cluster.tls.certificate</c>): every node holds the
/// lab's one certificate with its private key (a PKCS#12 file copied to each machine) and talks only to peers that
/// present that same certificate. Mutual: a machine without the file can neither join nor be joined, and a node
/// without TLS fails the handshake. The file's password comes only from <see cref="PasswordVariable"/>, and the
/// certificate reaches the transport through <see cref="DotNettySslSetup"/> rather than Akka's HOCON keys
/// (<c>ssl.certificate.password</c>), so the password is never in a config file, a config dump or a log line.
/// </summary>
public static class ClusterTls
{
    public const string PasswordVariable = "LOTTERY_TLS_PASSWORD";

    private const string Key = "lottery.cluster.tls.certificate";

    /// <summary>
    /// The transport's TLS set-up: the certificate, the peer's chain checked by pinning (a lab's self-signed
    /// certificate has no chain a machine trusts, and trusting any chain would let any certificate in), and mutual
    /// authentication. Hostnames are not checked: nodes reach each other by IP address.
    /// </summary>
    /// <exception cref="SpecException">The file is missing, unreadable, has no private key, or the password is
    /// wrong; one line naming the key and the variable, never the password.</exception>
    public static DotNettySslSetup Setup(string certificatePath, Func<string, string?>? read = null)
    {
        var certificate = Load(certificatePath, (read ?? Environment.GetEnvironmentVariable)(PasswordVariable));
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            customValidator: CertificateValidation.PinnedCertificate(certificate.Thumbprint));
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
