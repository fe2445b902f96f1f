namespace LotteryActors.Training.Spec;

/// <summary>A search specification names a key whose value is not allowed. <see cref="Key"/> is the HOCON path.</summary>
public class SpecException : Exception
{
    public SpecException(string key, string problem)
        : this(key, $"invalid setting '{key}': {problem}", inner: null)
    {
    }

    /// <summary>For input errors that are not about one setting's value; <paramref name="message"/> is the whole line.</summary>
    protected SpecException(string key, string message, Exception? inner)
        : base(message, inner) => Key = key;

    public string Key { get; }
}
