using System.Text;

namespace LotteryActors.Training.Spec;

/// <summary>A search specification names a key whose value is not allowed. <see cref="Key"/> is the HOCON path.</summary>
public class SpecException : Exception
{
    public SpecException(string key, string problem)
        : this(key, $"invalid setting '{key}': {problem}", inner: null)
    {
    }

    /// <summary>For input errors not about one setting's value; <paramref name="message"/> is the whole line.</summary>
    protected SpecException(string key, string message, Exception? inner)
        : base(OneLine(message), inner) => Key = key;

    public string Key { get; }

    /// <summary>Keys and values quoted from a broken file may hold line breaks or control bytes: escaped.</summary>
    private static string OneLine(string message)
    {
        if (!message.Any(char.IsControl))
            return message;
        var line = new StringBuilder(message.Length);
        foreach (var c in message)
            line.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return line.ToString();
    }
}
