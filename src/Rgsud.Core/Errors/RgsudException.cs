namespace Rgsud;

/// <summary>Base type of every error Rgsud raises on purpose. Catch this to handle any Rgsud failure.</summary>
public class RgsudException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public RgsudException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the underlying cause.</summary>
    public RgsudException(string message, Exception? innerException) : base(message, innerException) { }
}
