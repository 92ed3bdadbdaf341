/**
 * Which solc warnings `hardhat compile` prints. One is left out, at its source, by decision
 * (docs/CONTRACTS.md, "Compiler warnings"):
 *
 *   Warning 2394 ("Transient storage as defined by EIP-1153 can break the composability…") at the
 *   `tstore` of OpenZeppelin's `utils/TransientSlot.sol`. solc raises it for every inline-assembly
 *   `tstore`, and TransientSlot is where ours live: `ReentrancyGuardTransient` (Challenges) and the
 *   slashing flag of CashKeyToken (and its legacy copy CashKeyTokenV1). Both set the slot and clear
 *   it again before the call returns, the use the warning itself calls safe; nothing of ours keeps
 *   transient state across calls.
 *
 * The filter is that narrow on purpose: the warning at a `tstore` anywhere else (our own assembly,
 * another library) is printed, and so is every other warning. solc reports 2394 once per compilation,
 * at the first `tstore` it meets, so with TransientSlot in the build it would not point at an assembly
 * `tstore` of ours anyway: test/scripts/compileWarnings.test.ts checks that contracts/ has none (our
 * transient state goes through TransientSlot).
 */

/** The part of a solc output error that the filter reads. */
export interface SolcDiagnostic {
  severity: string;
  errorCode?: string;
  sourceLocation?: { file: string };
}

export const TRANSIENT_STORAGE_WARNING = "2394";
export const TRANSIENT_SLOT_SOURCE = "@openzeppelin/contracts/utils/TransientSlot.sol";

/** True for the one warning the project does not print (see above). */
export function isAcceptedWarning(diagnostic: SolcDiagnostic): boolean {
  return diagnostic.severity === "warning" && diagnostic.errorCode === TRANSIENT_STORAGE_WARNING && diagnostic.sourceLocation?.file === TRANSIENT_SLOT_SOURCE;
}

/** `output` with the accepted warnings left out of `errors`; errors and other warnings stay. */
export function withoutAcceptedWarnings<T extends { errors?: SolcDiagnostic[] }>(output: T): T {
  if (output?.errors === undefined) return output;
  return { ...output, errors: output.errors.filter((diagnostic) => !isAcceptedWarning(diagnostic)) };
}
