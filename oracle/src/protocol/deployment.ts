/** `deployments/<chainId>.json` (binding: written by `scripts/deploy.ts`, read by the oracle and the frontend). */
export interface DeploymentRecord {
  chainId: number;
  token: string;
  rewards: string;
  governor: string;
  timelock: string;
  /** The ERC-2771 forwarder `Rewards` trusts. Absent in records written before Rewards 1.2.0. */
  forwarder?: string;
  deployBlock: number;
}
