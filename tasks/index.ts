/** Hardhat tasks, loaded by hardhat.config.ts before compilation: no typechain imports here. */
import "./status";
