/** `deployments/<chainId>.json` (binding: written by `scripts/deploy.ts`, read by the oracle and the frontend). */
export interface DeploymentRecord {
  chainId: number;
  token: string;
  rewards: string;
  governor: string;
  timelock: string;
  deployBlock: number;
}
