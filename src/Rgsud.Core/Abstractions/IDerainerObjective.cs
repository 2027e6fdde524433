namespace Rgsud.Abstractions;

/// <summary>
/// An extra objective on the derainer that a strategy hands to an <see cref="IUnpairedMethod"/>: the method adds
/// it to its own derainer loss inside its own update, so the strategy never owns the method's optimisers.
/// </summary>
public interface IDerainerObjective
{
    /// <summary>Computes the term inside the method's derainer update (gradients enabled).</summary>
    DerainerObjectiveTerm Compute(DerainerObjectiveContext context);
}
