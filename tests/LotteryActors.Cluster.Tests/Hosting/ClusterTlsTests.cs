using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>
/// TLS between nodes as a lab turns it on (<c>lottery.cluster.tls.*</c>, the password in LOTTERY_TLS_PASSWORD): real
/// nodes on 127.0.0.1 with certificates made here. With one shared certificate, nodes holding it form a cluster and
/// talk; a node without TLS, or with another certificate, never becomes a member. With a lab CA, nodes with their own
/// certificates signed by it form a cluster; one signed by another CA, or revoked, never becomes a member.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private const string Password = "lab-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    /// <summary>Long enough for a handshake to be tried and retried many times on a loaded machine.</summary>
    private static readonly TimeSpan Refused = TimeSpan.FromSeconds(15);

    private readonly string folder = Directory.CreateTempSubdirectory("lottery-tls-").FullName;
    private readonly List<ClusterNode> nodes = [];

    [Fact]
    public async Task Nodes_with_the_labs_certificate_form_a_cluster_and_nodes_without_it_cannot_join()
    {
        var lab = Certificate("lab");
        var seed = Start(lab);
        var peer = Start(lab);
        await AssertFormAndTalk(seed, peer);

        var plain = Start(certificate: null);
        var stranger = Start(Certificate("stranger"));
        await AssertNeverJoin(seed, plain, stranger);
    }

    [Fact]
    public void A_wrong_password_is_one_line_naming_the_key_and_the_variable_and_never_the_password()
    {
        var path = Certificate("lab");

        var refused = Assert.Throws<SpecException>(() =>
            ClusterTls.Setup(Settings(path), v => v == ClusterTls.PasswordVariable ? "not-" + Password : null));

        Assert.Equal("lottery.cluster.tls.certificate", refused.Key);
        Assert.Contains(ClusterTls.PasswordVariable, refused.Message);
        Assert.DoesNotContain(Password, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void A_missing_certificate_file_is_one_line_naming_the_key()
    {
        var refused = Assert.Throws<SpecException>(() =>
            ClusterTls.Setup(Settings(Path.Combine(folder, "absent.pfx")), _ => Password));

        Assert.Equal("lottery.cluster.tls.certificate", refused.Key);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task Nodes_with_certificates_the_lab_CA_signed_form_a_cluster_and_other_or_revoked_ones_cannot_join()
    {
        var (ca, caKey) = Authority("lab-ca");
        var caFile = Pem(ca, "lab-ca");
        var revoked = Signed("revoked-node", ca, caKey);
        var revokedThumbprint = ThumbprintOf(revoked);
        var seed = Start(Signed("node-a", ca, caKey), caFile, revokedThumbprint);
        var peer = Start(Signed("node-b", ca, caKey), caFile, revokedThumbprint);
        await AssertFormAndTalk(seed, peer);

        var (other, otherKey) = Authority("other-ca");
        var outsider = Start(Signed("outsider", other, otherKey), caFile);
        var withdrawn = Start(revoked, caFile);
        await AssertNeverJoin(seed, outsider, withdrawn);
    }

    [Fact]
    public void The_lab_CA_check_accepts_its_own_signatures_only_and_never_a_revoked_one()
    {
        var (ca, caKey) = Authority("lab-ca");
        var (other, otherKey) = Authority("other-ca");
        using var member = Load(Signed("member", ca, caKey));
        using var revoked = Load(Signed("revoked", ca, caKey));
        using var outsider = Load(Signed("outsider", other, otherKey));
        using var impostor = Load(Certificate("lab-ca"));
        // openssl's form of the thumbprint (colon-separated, lower case here) is accepted too.
        var openssl = string.Join(':', revoked.Thumbprint.Chunk(2).Select(p => new string(p))).ToLowerInvariant();
        var check = ClusterTls.SignedBy(ca, [openssl]);

        Assert.True(Accepts(check, member));
        Assert.False(Accepts(check, revoked));
        Assert.False(Accepts(check, outsider));
        Assert.False(Accepts(check, impostor));
    }

    [Theory]
    [InlineData("tls.ca = \"/etc/lottery/ca.pem\"", "lottery.cluster.tls.ca", "tls.certificate is not")]
    [InlineData("tls { certificate = \"a.pfx\", revoked = \"12:34\" }", "lottery.cluster.tls.revoked",
        "40 hex digits")]
    public void Inconsistent_tls_settings_are_one_line_naming_the_key(string hocon, string key, string allowed)
    {
        var config = LotteryConfig.FromText($$"""
            lottery.runtime { journal = postgresql, connection-string = "Host=127.0.0.1" }
            lottery.cluster { {{hocon}} }
            """);

        var refused = Assert.Throws<SpecException>(() => ClusterSettings.Read(config, RuntimeSettings.Read(config)));

        Assert.Equal(key, refused.Key);
        Assert.Contains(allowed, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    public void Dispose()
    {
        Task.WhenAll(nodes.Select(n => n.System.Terminate())).Wait(Patience);
        Environment.SetEnvironmentVariable(ClusterTls.PasswordVariable, null);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary><paramref name="seed"/> forms a cluster, <paramref name="peer"/> joins it, and a message crosses the
    /// encrypted link and its answer comes back.</summary>
    private static async Task AssertFormAndTalk(ClusterNode seed, ClusterNode peer)
    {
        seed.Join(seed.Address);
        await seed.Up().WaitAsync(Patience);
        peer.Join(seed.Address);
        await peer.Up().WaitAsync(Patience);
        seed.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var echo = peer.System.ActorSelection(new RootActorPath(seed.Address) / "user" / "echo");
        Assert.Equal("over tls", await echo.Ask<string>("over tls", Patience));
    }

    /// <summary>Both nodes try to join through <paramref name="seed"/>; neither is up after <see cref="Refused"/>, and
    /// the seed's cluster still has its two members.</summary>
    private static async Task AssertNeverJoin(ClusterNode seed, ClusterNode first, ClusterNode second)
    {
        first.Join(seed.Address);
        second.Join(seed.Address);
        var joined = Task.WhenAny(first.Up(), second.Up());
        Assert.NotSame(joined, await Task.WhenAny(joined, Task.Delay(Refused)));
        Assert.Equal(2, Akka.Cluster.Cluster.Get(seed.System).State.Members.Count);
    }

    /// <summary>A node with no roles (nothing but membership and remoting) on a free port, TLS when given a file.
    /// </summary>
    private ClusterNode Start(string? certificate, string ca = "", string revoked = "")
    {
        Environment.SetEnvironmentVariable(ClusterTls.PasswordVariable, Password);
        var config = Config(certificate ?? "", ca, revoked);
        var cluster = ClusterSettings.Read(config, RuntimeSettings.Read(config)) with { Roles = [] };
        var node = ClusterNode.Start(cluster, RuntimeSettings.Read(config),
            _ => throw new InvalidOperationException("these nodes run no work"),
            Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        nodes.Add(node);
        return node;
    }

    private static ClusterSettings Settings(string certificate)
    {
        var config = Config(certificate, "", "");
        return ClusterSettings.Read(config, RuntimeSettings.Read(config));
    }

    private static Akka.Configuration.Config Config(string certificate, string ca, string revoked) =>
        LotteryConfig.FromText($$"""
            lottery.runtime { journal = postgresql, connection-string = "Host=127.0.0.1" }
            lottery.cluster {
              port = 0, seed-nodes = ""
              tls { certificate = "{{certificate}}", ca = "{{ca}}", revoked = "{{revoked}}" }
            }
            """);

    /// <summary>A lab CA as openssl makes one: self-signed, a CA by its basic constraints, its key kept apart.
    /// </summary>
    private static (X509Certificate2 Certificate, RSA Key) Authority(string name)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365)), key);
    }

    /// <summary>A node's own certificate, signed by <paramref name="ca"/>, with its key in a PKCS#12 file.</summary>
    private string Signed(string name, X509Certificate2 ca, RSA caKey)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey,
            RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        var path = Path.Combine(folder, $"{name}.pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    private string Pem(X509Certificate2 certificate, string name)
    {
        var path = Path.Combine(folder, $"{name}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    private static X509Certificate2 Load(string pfx) => X509CertificateLoader.LoadPkcs12FromFile(pfx, Password);

    private static string ThumbprintOf(string pfx)
    {
        using var certificate = Load(pfx);
        return certificate.Thumbprint;
    }

    private static bool Accepts(Akka.Remote.Transport.DotNetty.CertificateValidationCallback check,
        X509Certificate2 peer) =>
        check(peer, null!, "peer", System.Net.Security.SslPolicyErrors.None, Akka.Event.NoLogger.Instance);

    /// <summary>A self-signed certificate with its key, as a lab makes one with openssl, in a password-protected
    /// PKCS#12 file.</summary>
    private string Certificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(folder, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(text => Sender.Tell(text));
    }
}
