// What berthd keeps of a user-defined bridge network (persisted in the data root), and what a
// container keeps of its place on one (in its record).

/** IPAM as the client gave it (inspect shows the user's config, dockerd's way), plus what was
 * chosen for it: the subnet and gateway actually used. */
export interface IpamConfig { Subnet?: string; IPRange?: string; Gateway?: string }

export interface UserNetwork {
  Name: string;
  Id: string;
  Created: string;
  Internal: boolean;
  Attachable: boolean;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  IpamOptions: Record<string, string> | null;
  /** The config the client gave ([] when none): inspect shows it as given. */
  IpamConfig: IpamConfig[];
  /** The subnet and gateway in use (from the config or the default pools). */
  Subnet: string;
  Gateway: string;
  /** Addresses are given from here (IPRange, else the subnet). */
  Range: string;
  /** The Linux bridge: br-<12 hex of the ID>, as dockerd names it. */
  Bridge: string;
}

/** A container's membership of one user network. `Live` while it runs. */
export interface UserEndpoint {
  NetworkID: string;
  /** The network's name when the container joined (names never change). */
  NetworkName: string;
  Aliases: string[] | null;
  /** --link on a user network: "name:alias" (the alias names that container in this one's /etc/hosts). */
  Links?: string[] | undefined;
  /** --ip: the address asked for. */
  IPv4Address?: string | undefined;
  /** Joined by `network connect` (dockerd then adds the short ID to Aliases at once, and echoes
   * the request's IPAMConfig and DriverOpts). */
  Connected?: { IPAMConfig: boolean; DriverOpts: Record<string, string> | null } | undefined;
  Live?: LiveEndpoint | undefined;
}

export interface LiveEndpoint {
  EndpointID: string;
  IPAddress: string;
  IPPrefixLen: number;
  Gateway: string;
  MacAddress: string;
  HostVeth: string;
  Ifname: string;
}
