namespace Rgsud.Rewards;

/// <summary>Marker for the Rgsud.Rewards assembly.</summary>
public static class RewardsAssemblyMarker
{
}
