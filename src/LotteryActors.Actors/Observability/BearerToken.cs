using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LotteryActors.Actors.Observability;

/// <summary>The shared-secret check of the HTTP endpoints that may listen beyond loopback (metrics, dashboard).
/// </summary>
public static class BearerToken
{
    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null without one.</summary>
    public static string? Of(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
    }

    /// <summary>In constant time, so a caller cannot learn the token a character at a time from response times.
    /// </summary>
    public static bool Matches(string? given, string token) =>
        !string.IsNullOrEmpty(given)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
}
