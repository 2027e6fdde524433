namespace Rgsud.Core.Tests.Banks;

/// <summary>Which bank implementation a test runs against.</summary>
public enum BankKind
{
    /// <summary><see cref="Rgsud.Strategy.Banks.InMemoryRewardBank"/>.</summary>
    Memory,

    /// <summary><see cref="Rgsud.Strategy.Banks.DiskRewardBank"/>.</summary>
    Disk,
}
