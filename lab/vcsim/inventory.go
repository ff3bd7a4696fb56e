package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"strings"
)

// Inventory is the JSON document -inventory names (schema in README.md).
type Inventory struct {
	// Datacenter is the datacenter's name (vCenter only; an ESXi's is always ha-datacenter).
	Datacenter string `json:"datacenter"`
	// Host renames the ESXi's single host (ESXi only).
	Host              string           `json:"host"`
	Clusters          []ClusterSpec    `json:"clusters"`
	Datastores        []DatastoreSpec  `json:"datastores"`
	DatastoreClusters []StoragePodSpec `json:"datastore_clusters"`
	VMs               []VMSpec         `json:"vms"`
}

// ClusterSpec is a cluster and its hosts (vCenter only).
type ClusterSpec struct {
	Name  string   `json:"name"`
	DRS   DRSSpec  `json:"drs"`
	Hosts []string `json:"hosts"`
}

// DRSSpec is the cluster's DRS configuration.
type DRSSpec struct {
	Enabled           bool   `json:"enabled"`
	DefaultVMBehavior string `json:"default_vm_behavior"`
}

// DatastoreSpec is a datastore and, per host, how it is mounted there.
type DatastoreSpec struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	CapacityGB int64  `json:"capacity_gb"`
	FreeGB     int64  `json:"free_gb"`
	// Mounts maps a host name to readWrite, readOnly or unmounted; a host not named has no mount at all.
	// Empty: mounted read-write on every host.
	Mounts     map[string]string `json:"mounts"`
	RemoteHost string            `json:"remote_host"`
	RemotePath string            `json:"remote_path"`
}

// StoragePodSpec is a datastore cluster and its Storage DRS configuration.
type StoragePodSpec struct {
	Name       string   `json:"name"`
	SDRS       SDRSSpec `json:"sdrs"`
	Datastores []string `json:"datastores"`
}

// SDRSSpec is the pod's Storage DRS configuration.
type SDRSSpec struct {
	Enabled              bool   `json:"enabled"`
	DefaultVMBehavior    string `json:"default_vm_behavior"`
	IOLoadBalanceEnabled bool   `json:"io_load_balance_enabled"`
	LoadBalanceInterval  int32  `json:"load_balance_interval"`
}

// VMSpec is a virtual machine.
type VMSpec struct {
	Name           string            `json:"name"`
	GuestID        string            `json:"guest_id"`
	GuestFullName  string            `json:"guest_full_name"`
	PowerState     string            `json:"power_state"`
	Host           string            `json:"host"`
	Datastore      string            `json:"datastore"`
	CPUs           int32             `json:"cpus"`
	MemoryMB       int64             `json:"memory_mb"`
	Disks          int               `json:"disks"`
	DiskGB         int64             `json:"disk_gb"`
	SCSIController string            `json:"scsi_controller"`
	ExtraConfig    map[string]string `json:"extra_config"`
	Tools          string            `json:"tools"`
	Snapshot       string            `json:"snapshot"`
	IPAddress      string            `json:"ip_address"`
	Annotation     string            `json:"annotation"`
}

var (
	datastoreTypes  = []string{"VMFS", "vsan", "NFS", "NFS41"}
	mountModes      = []string{mountReadWrite, mountReadOnly, mountUnmounted}
	powerStates     = []string{"poweredOn", "poweredOff", "suspended"}
	toolsModes      = []string{toolsRunning, toolsNotRunning, toolsNotInstalled}
	scsiControllers = []string{"lsilogic", "lsilogic-sas", "pvscsi", "buslogic"}
	drsBehaviors    = []string{"manual", "partiallyAutomated", "fullyAutomated"}
	sdrsBehaviors   = []string{"manual", "automated"}
)

const (
	mountReadWrite    = "readWrite"
	mountReadOnly     = "readOnly"
	mountUnmounted    = "unmounted"
	toolsRunning      = "running"
	toolsNotRunning   = "notRunning"
	toolsNotInstalled = "notInstalled"
)

func oneOf(value string, allowed []string) bool {
	for _, a := range allowed {
		if value == a {
			return true
		}
	}
	return false
}

// loadInventory reads and checks the inventory; unknown keys are errors (a typo must not pass silently).
func loadInventory(path string) (*Inventory, error) {
	data, err := ioutil.ReadFile(path)
	if err != nil {
		return nil, err
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	inv := &Inventory{}
	if err = decoder.Decode(inv); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	inv.defaults()
	if err = inv.check(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return inv, nil
}

func (inv *Inventory) defaults() {
	for i := range inv.Datastores {
		ds := &inv.Datastores[i]
		if ds.CapacityGB == 0 {
			ds.CapacityGB = 1024
		}
		if ds.FreeGB == 0 {
			ds.FreeGB = ds.CapacityGB * 3 / 4
		}
	}
	for i := range inv.Clusters {
		if inv.Clusters[i].DRS.Enabled && inv.Clusters[i].DRS.DefaultVMBehavior == "" {
			inv.Clusters[i].DRS.DefaultVMBehavior = "fullyAutomated"
		}
	}
	for i := range inv.DatastoreClusters {
		if inv.DatastoreClusters[i].SDRS.DefaultVMBehavior == "" {
			inv.DatastoreClusters[i].SDRS.DefaultVMBehavior = "automated"
		}
		if inv.DatastoreClusters[i].SDRS.LoadBalanceInterval == 0 {
			inv.DatastoreClusters[i].SDRS.LoadBalanceInterval = 480
		}
	}
	for i := range inv.VMs {
		vm := &inv.VMs[i]
		if vm.PowerState == "" {
			vm.PowerState = "poweredOff"
		}
		if vm.CPUs == 0 {
			vm.CPUs = 2
		}
		if vm.MemoryMB == 0 {
			vm.MemoryMB = 4096
		}
		if vm.DiskGB == 0 {
			vm.DiskGB = 40
		}
		if vm.SCSIController == "" {
			vm.SCSIController = "lsilogic-sas"
		}
		if vm.Tools == "" {
			vm.Tools = toolsRunning
		}
		if vm.GuestFullName == "" {
			vm.GuestFullName = guestFullName(vm.GuestID)
		}
	}
}

func (inv *Inventory) check() error {
	names := map[string]string{}
	unique := func(kind, name string) error {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("a %s has no name", kind)
		}
		if other, ok := names[kind+"/"+name]; ok {
			return fmt.Errorf("%s %q is named twice (%s)", kind, name, other)
		}
		names[kind+"/"+name] = kind
		return nil
	}
	for _, c := range inv.Clusters {
		if err := unique("cluster", c.Name); err != nil {
			return err
		}
		if c.DRS.DefaultVMBehavior != "" && !oneOf(c.DRS.DefaultVMBehavior, drsBehaviors) {
			return fmt.Errorf("cluster %s: drs.default_vm_behavior %q is not one of %v", c.Name, c.DRS.DefaultVMBehavior, drsBehaviors)
		}
		for _, h := range c.Hosts {
			if err := unique("host", h); err != nil {
				return err
			}
		}
	}
	for _, ds := range inv.Datastores {
		if err := unique("datastore", ds.Name); err != nil {
			return err
		}
		if !oneOf(ds.Type, datastoreTypes) {
			return fmt.Errorf("datastore %s: type %q is not one of %v", ds.Name, ds.Type, datastoreTypes)
		}
		if ds.FreeGB > ds.CapacityGB || ds.CapacityGB < 0 || ds.FreeGB < 0 {
			return fmt.Errorf("datastore %s: free_gb %d does not fit capacity_gb %d", ds.Name, ds.FreeGB, ds.CapacityGB)
		}
		for host, mode := range ds.Mounts {
			if !oneOf(mode, mountModes) {
				return fmt.Errorf("datastore %s: mount on %s %q is not one of %v (leave a host out for no mount)", ds.Name, host, mode, mountModes)
			}
		}
	}
	for _, pod := range inv.DatastoreClusters {
		if err := unique("datastore cluster", pod.Name); err != nil {
			return err
		}
		if !oneOf(pod.SDRS.DefaultVMBehavior, sdrsBehaviors) {
			return fmt.Errorf("datastore cluster %s: sdrs.default_vm_behavior %q is not one of %v", pod.Name, pod.SDRS.DefaultVMBehavior, sdrsBehaviors)
		}
	}
	for _, vm := range inv.VMs {
		if err := unique("vm", vm.Name); err != nil {
			return err
		}
		switch {
		case vm.GuestID == "":
			return fmt.Errorf("vm %s: guest_id is required", vm.Name)
		case !oneOf(vm.PowerState, powerStates):
			return fmt.Errorf("vm %s: power_state %q is not one of %v", vm.Name, vm.PowerState, powerStates)
		case !oneOf(vm.Tools, toolsModes):
			return fmt.Errorf("vm %s: tools %q is not one of %v", vm.Name, vm.Tools, toolsModes)
		case !oneOf(vm.SCSIController, scsiControllers):
			return fmt.Errorf("vm %s: scsi_controller %q is not one of %v", vm.Name, vm.SCSIController, scsiControllers)
		case vm.Disks < 0 || vm.Disks > 15:
			return fmt.Errorf("vm %s: disks %d is not within 0..15 (one SCSI controller)", vm.Name, vm.Disks)
		case vm.Datastore == "":
			return fmt.Errorf("vm %s: datastore is required", vm.Name)
		}
	}
	return nil
}

// guestFullName is what vSphere reports as config.guestFullName for the guest ids the lab uses.
func guestFullName(id string) string {
	names := map[string]string{
		"windows2019srv_64Guest":     "Microsoft Windows Server 2019 (64-bit)",
		"windows2019srvNext_64Guest": "Microsoft Windows Server 2022 (64-bit)",
		"windows9Server64Guest":      "Microsoft Windows Server 2016 or later (64-bit)",
		"windows8Server64Guest":      "Microsoft Windows Server 2012 (64-bit)",
		"windows7Server64Guest":      "Microsoft Windows Server 2008 R2 (64-bit)",
		"windows9_64Guest":           "Microsoft Windows 10 (64-bit)",
		"rhel9_64Guest":              "Red Hat Enterprise Linux 9 (64-bit)",
		"rhel8_64Guest":              "Red Hat Enterprise Linux 8 (64-bit)",
		"rhel7_64Guest":              "Red Hat Enterprise Linux 7 (64-bit)",
		"centos9_64Guest":            "CentOS 9 (64-bit)",
		"centos8_64Guest":            "CentOS 8 (64-bit)",
		"centos7_64Guest":            "CentOS 7 (64-bit)",
		"ubuntu64Guest":              "Ubuntu Linux (64-bit)",
		"sles15_64Guest":             "SUSE Linux Enterprise 15 (64-bit)",
		"otherGuest":                 "Other (32-bit)",
		"otherGuest64":               "Other (64-bit)",
	}
	if name, ok := names[id]; ok {
		return name
	}
	return id
}
