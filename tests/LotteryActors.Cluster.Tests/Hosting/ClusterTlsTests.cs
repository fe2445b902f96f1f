using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Tests.Hosting;

/// <summary>
/// TLS between nodes as a lab turns it on (<c>lottery.cluster.tls.certificate</c>, the password in
/// LOTTERY_TLS_PASSWORD): real nodes on 127.0.0.1 with self-signed certificates made here. Nodes holding the lab's
/// certificate form a cluster and talk; a node without TLS, or with another certificate, never becomes a member.
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
        seed.Join(seed.Address);
        await seed.Up().WaitAsync(Patience);
        peer.Join(seed.Address);
        await peer.Up().WaitAsync(Patience);

        // A message crosses the encrypted link and its answer comes back.
        seed.System.ActorOf(Props.Create(() => new Echo()), "echo");
        var echo = peer.System.ActorSelection(new RootActorPath(seed.Address) / "user" / "echo");
        Assert.Equal("over tls", await echo.Ask<string>("over tls", Patience));

        var plain = Start(certificate: null);
        var stranger = Start(Certificate("stranger"));
        plain.Join(seed.Address);
        stranger.Join(seed.Address);
        var joined = Task.WhenAny(plain.Up(), stranger.Up());
        Assert.NotSame(joined, await Task.WhenAny(joined, Task.Delay(Refused)));
        Assert.Equal(2, Akka.Cluster.Cluster.Get(seed.System).State.Members.Count);
    }

    [Fact]
    public void A_wrong_password_is_one_line_naming_the_key_and_the_variable_and_never_the_password()
    {
        var path = Certificate("lab");

        var refused = Assert.Throws<SpecException>(() =>
            ClusterTls.Setup(path, v => v == ClusterTls.PasswordVariable ? "not-" + Password : null));

        Assert.Equal("lottery.cluster.tls.certificate", refused.Key);
        Assert.Contains(ClusterTls.PasswordVariable, refused.Message);
        Assert.DoesNotContain(Password, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void A_missing_certificate_file_is_one_line_naming_the_key()
    {
        var refused = Assert.Throws<SpecException>(() =>
            ClusterTls.Setup(Path.Combine(folder, "absent.pfx"), _ => Password));

        Assert.Equal("lottery.cluster.tls.certificate", refused.Key);
        Assert.DoesNotContain('\n', refused.Message);
    }

    public void Dispose()
    {
        Task.WhenAll(nodes.Select(n => n.System.Terminate())).Wait(Patience);
        Environment.SetEnvironmentVariable(ClusterTls.PasswordVariable, null);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A node with no roles (nothing but membership and remoting) on a free port, TLS when given a file.
    /// </summary>
    private ClusterNode Start(string? certificate)
    {
        Environment.SetEnvironmentVariable(ClusterTls.PasswordVariable, Password);
        var config = LotteryConfig.FromText($$"""
            lottery.runtime { journal = postgresql, connection-string = "Host=127.0.0.1" }
            lottery.cluster { port = 0, seed-nodes = "", tls.certificate = "{{certificate ?? ""}}" }
            """);
        var cluster = ClusterSettings.Read(config, RuntimeSettings.Read(config)) with { Roles = [] };
        var node = ClusterNode.Start(cluster, RuntimeSettings.Read(config),
            _ => throw new InvalidOperationException("these nodes run no work"),
            Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        nodes.Add(node);
        return node;
    }

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
