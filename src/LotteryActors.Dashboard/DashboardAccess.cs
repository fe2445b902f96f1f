using System.Net;
using LotteryActors.Actors.Observability;
using LotteryActors.Training.Spec;
using Microsoft.AspNetCore.Http;

namespace LotteryActors.Dashboard;

/// <summary>
/// Who may look. On loopback, whoever can log in to the machine already can read the journal, so no token is
/// asked. Bound anywhere else, the dashboard shows a lab's results to a network: it then needs a token from the
/// environment (never from the command line, where <c>ps</c> shows it), and every request must carry it.
/// </summary>
public static class DashboardAccess
{
    public const string TokenVariable = "LOTTERY_DASHBOARD_TOKEN";

    /// <summary>A browser that opened <c>/?token=...</c> keeps the token here for the page's own requests.</summary>
    public const string Cookie = "lottery-dashboard-token";

    /// <summary>The token requests must carry, or null on loopback.</summary>
    /// <exception cref="SpecException">An address that is not loopback, and no token in the environment.</exception>
    public static string? RequiredToken(IReadOnlyList<string> urls, string? environmentToken)
    {
        var exposed = urls.FirstOrDefault(url => !IsLoopback(url));
        if (exposed is null)
            return null;
        return string.IsNullOrEmpty(environmentToken)
            ? throw new SpecException("--urls", $"{exposed} is not a loopback address; set {TokenVariable} " +
                "to a secret that requests must then carry, or serve on http://127.0.0.1:PORT")
            : environmentToken;
    }

    /// <summary>localhost, 127.0.0.0/8 and ::1 are loopback; wildcards (*, +, 0.0.0.0), other hosts are not.</summary>
    public static bool IsLoopback(string url)
    {
        // Kestrel's wildcards are not host names a Uri accepts; any name stands in for them, none is loopback.
        var parsable = url.Replace("://*", "://wildcard").Replace("://+", "://wildcard");
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
            throw new SpecException("--urls", $"'{url}' is not an http:// or https:// address (http://127.0.0.1:8080)");
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Middleware: 401 without the token (bearer header, cookie, or <c>?token=</c>, which sets it).</summary>
    public static RequestDelegate Require(string token, RequestDelegate next) => async context =>
    {
        var request = context.Request;
        var bearer = BearerToken.Of(request);
        var query = request.Query["token"].ToString();
        if (BearerToken.Matches(query, token))
            context.Response.Cookies.Append(Cookie, token,
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = request.IsHttps });
        if (BearerToken.Matches(bearer, token) || BearerToken.Matches(query, token)
            || BearerToken.Matches(request.Cookies[Cookie], token))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await context.Response.WriteAsync($"this dashboard needs its token ({TokenVariable}): " +
            "an Authorization: Bearer header, or ?token= once in a browser\n");
    };
}
